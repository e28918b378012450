//! The closed vocabularies of the dataset format (roles, metrics, methods, stages' outcomes …),
//! each an enum that parses from and prints as its dataset word.

use crate::ParseError;

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in the order of the spec.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Returns the dataset word.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// Parses the dataset word, listing the allowed words on failure.
            pub fn parse(s: &str) -> Result<$name, ParseError> {
                match s {
                    $($word => Ok($name::$variant),)+
                    _ => Err(ParseError::new(format!(
                        "'{}' is not one of {}", s, [$($word),+].join(", ")
                    ))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// What a person does in the company, and so what they may see and do.
    Role { Rep => "rep", Manager => "manager", Director => "director", Executive => "executive", SalesOps => "sales_ops" }
);
vocabulary!(
    /// A credited metric.
    Metric { Bookings => "bookings", Revenue => "revenue", Margin => "margin" }
);
vocabulary!(
    /// What a transaction is.
    TxKind { Booking => "booking", Revenue => "revenue" }
);
vocabulary!(
    /// How a compensation component turns credit into pay.
    Method { Commission => "commission", PayoutCurve => "payout_curve" }
);
vocabulary!(
    /// The window over which a component's credit accumulates.
    Period { Month => "month", Quarter => "quarter", Year => "year" }
);
vocabulary!(
    /// What a target row is for.
    Scope { Company => "company", Territory => "territory", Person => "person" }
);
vocabulary!(
    /// A contact's part in a buying decision.
    BuyingRole {
        DecisionMaker => "decision_maker", EconomicBuyer => "economic_buyer", Champion => "champion",
        Influencer => "influencer", TechnicalEvaluator => "technical_evaluator", User => "user",
        Gatekeeper => "gatekeeper", Blocker => "blocker",
    }
);
vocabulary!(
    /// Whether a sales stage is open, won or lost.
    Outcome { Open => "open", Won => "won", Lost => "lost" }
);
vocabulary!(
    /// The forecast category of an opportunity.
    ForecastCategory {
        Pipeline => "pipeline", BestCase => "best_case", Commit => "commit", Closed => "closed", Omitted => "omitted",
    }
);
vocabulary!(
    /// The kind of an opportunity.
    OpportunityType { NewBusiness => "new_business", Expansion => "expansion", Renewal => "renewal" }
);
vocabulary!(
    /// How an opportunity is sold.
    Channel { Direct => "direct", Partner => "partner" }
);
vocabulary!(
    /// The kind of a logged activity.
    ActivityType {
        Call => "call", Email => "email", Meeting => "meeting", Demo => "demo", Prospecting => "prospecting",
        SiteVisit => "site_visit", Proposal => "proposal", Other => "other",
    }
);
vocabulary!(
    /// A measurable outcome a job description can expect.
    JobMetric {
        BookingsAttainment => "bookings_attainment", RevenueAttainment => "revenue_attainment",
        MarginAttainment => "margin_attainment", Activities => "activities", Meetings => "meetings",
        Calls => "calls", NewOpportunities => "new_opportunities", PipelineCoverage => "pipeline_coverage",
        WinRate => "win_rate", CoachingSessions => "coaching_sessions",
    }
);
vocabulary!(
    /// How an expectation compares the measured value with its threshold.
    Comparison { AtLeast => ">=", AtMost => "<=" }
);
vocabulary!(
    /// The period an expectation is measured over.
    Per { Week => "week", Month => "month", Quarter => "quarter", Year => "year" }
);
vocabulary!(
    /// What a training session teaches.
    TrainingKind { SalesTechnique => "sales_technique", Product => "product", CustomerMarket => "customer_market" }
);
vocabulary!(
    /// How far a person got with a training session.
    TrainingStatus { Registered => "registered", Attended => "attended", Completed => "completed" }
);
vocabulary!(
    /// The kind of a coaching session.
    CoachingKind {
        FieldVisit => "field_visit", CallPreparation => "call_preparation", CallDebrief => "call_debrief",
        OneToOne => "one_to_one", PhoneCheckIn => "phone_check_in", InformalFeedback => "informal_feedback",
    }
);
vocabulary!(
    /// Where a coaching action item stands.
    ActionStatus { Open => "open", Done => "done", Dropped => "dropped" }
);

impl Outcome {
    /// Returns the default forecast category of an opportunity in a stage with this outcome.
    pub fn default_forecast_category(self) -> ForecastCategory {
        match self {
            Outcome::Open => ForecastCategory::Pipeline,
            Outcome::Won => ForecastCategory::Closed,
            Outcome::Lost => ForecastCategory::Omitted,
        }
    }
}

vocabulary!(
    /// A section of a sales meeting's agenda (docs/meetings.md).
    MeetingSection { InformationGathering => "information_gathering", Training => "training", Recognition => "recognition", Other => "other" }
);
vocabulary!(
    /// How often a team's meetings recur.
    Cadence { Weekly => "weekly", Biweekly => "biweekly", Monthly => "monthly" }
);
vocabulary!(
    /// Whether a meeting is still to be held (its figures can be refreshed) or was held.
    MeetingStatus { Scheduled => "scheduled", Held => "held" }
);
vocabulary!(
    /// A person's attendance at a meeting.
    Attendance { Present => "present", Absent => "absent", Excused => "excused" }
);
vocabulary!(
    /// Where a meeting's follow-up stands.
    FollowupStatus { Open => "open", Done => "done", Dropped => "dropped" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_errors_list_the_choices() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), *r);
        }
        let err = Metric::parse("profit").unwrap_err().to_string();
        assert_eq!(err, "'profit' is not one of bookings, revenue, margin");
        assert_eq!(Comparison::parse(">=").unwrap(), Comparison::AtLeast);
    }
}
vocabulary!(
    /// Where a territory plan is in its workflow (docs/territory-plan.md).
    PlanStatus { Draft => "draft", Submitted => "submitted", Agreed => "agreed" }
);
vocabulary!(
    /// A written section of a territory plan, in the template's order.
    PlanSection {
        Objectives => "objectives", NewBusiness => "new_business",
        AccountManagement => "account_management", ChannelManagement => "channel_management",
    }
);
