//! The dataset format as data: every file of dataset.md with its columns, their kinds, its key
//! and the references it makes. Import, export and validation are driven from this one table;
//! the store's tables and columns carry the same names.

use attain_domain::vocab::{
    ActionStatus, ActivityType, BuyingRole, Channel, CoachingKind, Comparison, ForecastCategory,
    JobMetric, Method, Metric, OpportunityType, Outcome, Per, Period, PlanSection, PlanStatus,
    Role, Scope, TrainingKind, TrainingStatus, TxKind,
};
use attain_domain::vocab::{Attendance, Cadence, FollowupStatus, MeetingSection, MeetingStatus};
use attain_domain::{Id, Money, ParseError, Percent, Ratio, parse_date};
use attain_store::Value;

/// How a column's text is parsed, stored and written.
#[derive(Clone, Copy)]
pub enum Kind {
    /// A record id (dataset.md: 1–64 characters of `A-Z a-z 0-9 _ . : -`).
    Id,
    /// Free text.
    Text,
    /// `YYYY-MM-DD`.
    Date,
    /// Money, possibly negative; stored in cents.
    Money,
    /// Money that must not be negative.
    MoneyNonNegative,
    /// A percent 0–100; stored in ten-thousandths.
    Percent,
    /// A non-negative fraction; stored in millionths.
    Ratio,
    /// A whole number within bounds.
    Int { min: i64, max: i64 },
    /// `true` or `false`.
    Bool,
    /// One word of a closed vocabulary.
    Word(fn(&str) -> Result<(), ParseError>),
}

impl Kind {
    /// Parses a non-empty cell into its stored value.
    pub fn parse(self, s: &str) -> Result<Value, ParseError> {
        Ok(match self {
            Kind::Id => {
                if !Id::is_valid(s) {
                    // Names what is wrong with the id.
                    Id::parse(s)?;
                }
                Value::Text(s.to_owned())
            }
            Kind::Text => Value::Text(s.to_owned()),
            Kind::Date => Value::Date(parse_date(s)?),
            Kind::Money => Value::Int(Money::parse(s)?.cents()),
            Kind::MoneyNonNegative => Value::Int(Money::parse_non_negative(s)?.cents()),
            Kind::Percent => Value::Int(Percent::parse(s)?.units()),
            Kind::Ratio => Value::Int(Ratio::parse(s)?.micros()),
            Kind::Int { min, max } => {
                let n: i64 = s
                    .parse()
                    .map_err(|_| ParseError::new(format!("'{s}' is not a whole number")))?;
                if n < min || n > max {
                    return Err(ParseError::new(format!(
                        "{n} is not between {min} and {max}"
                    )));
                }
                Value::Int(n)
            }
            Kind::Bool => match s {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => return Err(ParseError::new(format!("'{s}' is not true or false"))),
            },
            Kind::Word(check) => {
                check(s)?;
                Value::Text(s.to_owned())
            }
        })
    }

    /// Brings a value read from either database to the form `parse` produces.
    pub fn normalize(self, v: Value) -> Value {
        match (self, v) {
            (Kind::Date, Value::Text(s)) => parse_date(&s).map_or(Value::Text(s), Value::Date),
            (Kind::Bool, Value::Int(n)) => Value::Bool(n != 0),
            (_, v) => v,
        }
    }

    /// Writes a stored value as dataset text (empty for NULL).
    pub fn format(self, v: &Value) -> String {
        match (self, v) {
            (_, Value::Null) => String::new(),
            (Kind::Money | Kind::MoneyNonNegative, Value::Int(n)) => {
                Money::from_cents(*n).to_string()
            }
            (Kind::Percent, Value::Int(n)) => Percent::from_units(*n).to_string(),
            (Kind::Ratio, Value::Int(n)) => Ratio::from_micros(*n).to_string(),
            (Kind::Bool, Value::Bool(b)) => b.to_string(),
            (Kind::Bool, Value::Int(n)) => (*n != 0).to_string(),
            (_, Value::Int(n)) => n.to_string(),
            (_, Value::Text(s)) => s.clone(),
            (_, Value::Date(d)) => d.format("%Y-%m-%d").to_string(),
            (_, Value::Bool(b)) => b.to_string(),
            (_, Value::Time(t)) => t.to_rfc3339(),
        }
    }
}

/// One column of a dataset file (and of its table).
pub struct Column {
    /// The header name, also the table's column name.
    pub name: &'static str,
    /// How it is parsed and written.
    pub kind: Kind,
    /// Marked `*` in dataset.md: must be in the header and non-empty in every row.
    pub required: bool,
}

/// A reference from columns of one file to the key of a table.
pub struct Ref {
    /// The referring columns of this file.
    pub columns: &'static [&'static str],
    /// The referenced table.
    pub table: &'static str,
    /// The referenced columns (a key, or the leading columns of one).
    pub target: &'static [&'static str],
    /// What a reader calls the referenced record ("person", "territory").
    pub noun: &'static str,
}

/// One file of the dataset.
pub struct FileSpec {
    /// The file name without `.csv`; also the table name.
    pub name: &'static str,
    /// The columns, in the order dataset.md lists them (the order export writes).
    pub columns: &'static [Column],
    /// The natural key columns.
    pub key: &'static [&'static str],
    /// References to other records, checked on import.
    pub refs: &'static [Ref],
}

impl FileSpec {
    /// Returns the file name with its `.csv` ending.
    pub fn file_name(&self) -> String {
        format!("{}.csv", self.name)
    }

    /// Returns the index of the named column.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Returns the indexes of the key columns.
    pub fn key_indexes(&self) -> Vec<usize> {
        self.key
            .iter()
            .map(|k| {
                self.column_index(k)
                    .expect("spec: every key column is a column")
            })
            .collect()
    }
}

/// Returns the spec of the file with this name (without `.csv`).
pub fn file_spec(name: &str) -> Option<&'static FileSpec> {
    FILES.iter().find(|f| f.name == name)
}

const fn req(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        required: true,
    }
}
const fn opt(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        required: false,
    }
}
const fn r(
    columns: &'static [&'static str],
    table: &'static str,
    target: &'static [&'static str],
    noun: &'static str,
) -> Ref {
    Ref {
        columns,
        table,
        target,
        noun,
    }
}

const YEAR: Kind = Kind::Int {
    min: 1900,
    max: 9999,
};
const MONTH: Kind = Kind::Int { min: 1, max: 12 };
/// The position of a step in an account's decision process (decision_steps.csv).
const STEP: Kind = Kind::Int { min: 1, max: 99 };
/// A version number of a territory plan (territory_plans.csv).
const VERSION: Kind = Kind::Int { min: 1, max: 9999 };
const ROLE: Kind = Kind::Word(|s| Role::parse(s).map(drop));
/// The position of an item in a meeting's agenda or in the agenda template.
const POSITION: Kind = Kind::Int { min: 1, max: 999 };
/// Minutes an agenda item takes.
const MINUTES: Kind = Kind::Int { min: 0, max: 600 };
const SECTION: Kind = Kind::Word(|s| MeetingSection::parse(s).map(drop));
const MEETING: Ref = r(&["meeting_id"], "meetings", &["meeting_id"], "meeting");
const METRIC: Kind = Kind::Word(|s| Metric::parse(s).map(drop));
/// The territory plan a plan_sections.csv or plan_key_accounts.csv row belongs to.
const PLAN: Ref = r(
    &["person_id", "year"],
    "territory_plans",
    &["person_id", "year"],
    "territory plan",
);
const PERSON: Ref = r(&["person_id"], "people", &["person_id"], "person");
const TRAINING: Ref = r(&["training_id"], "trainings", &["training_id"], "training");

/// Every file of the dataset, in the order import writes them (referenced files first).
pub static FILES: &[FileSpec] = &[
    FileSpec {
        name: "settings",
        columns: &[req("key", Kind::Text), req("value", Kind::Text)],
        key: &["key"],
        refs: &[],
    },
    FileSpec {
        name: "territories",
        columns: &[
            req("territory_id", Kind::Id),
            req("name", Kind::Text),
            opt("parent_id", Kind::Id),
            opt("target_market", Kind::Text),
        ],
        key: &["territory_id"],
        refs: &[r(
            &["parent_id"],
            "territories",
            &["territory_id"],
            "territory",
        )],
    },
    FileSpec {
        name: "jobs",
        columns: &[
            req("job_id", Kind::Id),
            req("title", Kind::Text),
            opt("mission", Kind::Text),
            req("metric", Kind::Word(|s| JobMetric::parse(s).map(drop))),
            req("comparison", Kind::Word(|s| Comparison::parse(s).map(drop))),
            req("threshold", Kind::Ratio),
            req("per", Kind::Word(|s| Per::parse(s).map(drop))),
        ],
        key: &["job_id", "metric", "per"],
        refs: &[],
    },
    FileSpec {
        name: "people",
        columns: &[
            req("person_id", Kind::Id),
            req("name", Kind::Text),
            opt("email", Kind::Text),
            req("role", ROLE),
            opt("job_id", Kind::Id),
            opt("manager_id", Kind::Id),
            opt("territory_id", Kind::Id),
            opt("hire_date", Kind::Date),
            opt("end_date", Kind::Date),
        ],
        key: &["person_id"],
        refs: &[
            r(&["job_id"], "jobs", &["job_id"], "job"),
            r(&["manager_id"], "people", &["person_id"], "person"),
            r(
                &["territory_id"],
                "territories",
                &["territory_id"],
                "territory",
            ),
        ],
    },
    FileSpec {
        name: "reporting",
        columns: &[
            req("person_id", Kind::Id),
            opt("manager_id", Kind::Id),
            req("start_date", Kind::Date),
        ],
        key: &["person_id", "start_date"],
        refs: &[
            PERSON,
            r(&["manager_id"], "people", &["person_id"], "person"),
        ],
    },
    FileSpec {
        name: "accounts",
        columns: &[
            req("account_id", Kind::Id),
            req("name", Kind::Text),
            req("territory_id", Kind::Id),
            opt("industry", Kind::Text),
            opt("country", Kind::Text),
            opt(
                "employees",
                Kind::Int {
                    min: 0,
                    max: i64::MAX,
                },
            ),
            opt("annual_revenue", Kind::MoneyNonNegative),
            opt("parent_account_id", Kind::Id),
            opt("owner_id", Kind::Id),
            opt("key_account", Kind::Bool),
        ],
        key: &["account_id"],
        refs: &[
            r(
                &["territory_id"],
                "territories",
                &["territory_id"],
                "territory",
            ),
            r(
                &["parent_account_id"],
                "accounts",
                &["account_id"],
                "account",
            ),
            r(&["owner_id"], "people", &["person_id"], "person"),
        ],
    },
    FileSpec {
        name: "alignments",
        columns: &[
            req("account_id", Kind::Id),
            req("territory_id", Kind::Id),
            req("start_date", Kind::Date),
        ],
        key: &["account_id", "start_date"],
        refs: &[
            r(&["account_id"], "accounts", &["account_id"], "account"),
            r(
                &["territory_id"],
                "territories",
                &["territory_id"],
                "territory",
            ),
        ],
    },
    FileSpec {
        name: "contacts",
        columns: &[
            req("contact_id", Kind::Id),
            req("account_id", Kind::Id),
            req("name", Kind::Text),
            opt("title", Kind::Text),
            opt("email", Kind::Text),
            opt("phone", Kind::Text),
            opt(
                "buying_role",
                Kind::Word(|s| BuyingRole::parse(s).map(drop)),
            ),
            opt("reports_to_id", Kind::Id),
        ],
        key: &["contact_id"],
        refs: &[
            r(&["account_id"], "accounts", &["account_id"], "account"),
            r(&["reports_to_id"], "contacts", &["contact_id"], "contact"),
        ],
    },
    FileSpec {
        name: "stages",
        columns: &[
            req("stage", Kind::Id),
            req("position", Kind::Int { min: 0, max: 1000 }),
            req("probability", Kind::Int { min: 0, max: 100 }),
            req("outcome", Kind::Word(|s| Outcome::parse(s).map(drop))),
        ],
        key: &["stage"],
        refs: &[],
    },
    FileSpec {
        name: "opportunities",
        columns: &[
            req("opportunity_id", Kind::Id),
            req("account_id", Kind::Id),
            req("owner_id", Kind::Id),
            req("name", Kind::Text),
            req("stage", Kind::Id),
            req("amount", Kind::Money),
            opt("margin", Kind::Money),
            req("created_date", Kind::Date),
            req("close_date", Kind::Date),
            opt(
                "forecast_category",
                Kind::Word(|s| ForecastCategory::parse(s).map(drop)),
            ),
            opt("type", Kind::Word(|s| OpportunityType::parse(s).map(drop))),
            opt("channel", Kind::Word(|s| Channel::parse(s).map(drop))),
            opt("partner", Kind::Text),
        ],
        key: &["opportunity_id"],
        refs: &[
            r(&["account_id"], "accounts", &["account_id"], "account"),
            r(&["owner_id"], "people", &["person_id"], "person"),
        ],
    },
    FileSpec {
        name: "stage_history",
        columns: &[
            req("opportunity_id", Kind::Id),
            req("stage", Kind::Id),
            req("entered_date", Kind::Date),
        ],
        key: &["opportunity_id", "stage", "entered_date"],
        refs: &[r(
            &["opportunity_id"],
            "opportunities",
            &["opportunity_id"],
            "opportunity",
        )],
    },
    FileSpec {
        name: "activities",
        columns: &[
            req("activity_id", Kind::Id),
            req("person_id", Kind::Id),
            req("date", Kind::Date),
            req("type", Kind::Word(|s| ActivityType::parse(s).map(drop))),
            opt("account_id", Kind::Id),
            opt("contact_id", Kind::Id),
            opt("opportunity_id", Kind::Id),
            opt("subject", Kind::Text),
        ],
        key: &["activity_id"],
        refs: &[
            PERSON,
            r(&["account_id"], "accounts", &["account_id"], "account"),
            r(&["contact_id"], "contacts", &["contact_id"], "contact"),
            r(
                &["opportunity_id"],
                "opportunities",
                &["opportunity_id"],
                "opportunity",
            ),
        ],
    },
    FileSpec {
        name: "transactions",
        columns: &[
            req("transaction_id", Kind::Id),
            req("date", Kind::Date),
            req("kind", Kind::Word(|s| TxKind::parse(s).map(drop))),
            req("amount", Kind::Money),
            opt("margin", Kind::Money),
            opt("account_id", Kind::Id),
            opt("opportunity_id", Kind::Id),
            opt("owner_id", Kind::Id),
            opt("reverses_id", Kind::Id),
        ],
        key: &["transaction_id"],
        refs: &[
            r(&["account_id"], "accounts", &["account_id"], "account"),
            r(
                &["opportunity_id"],
                "opportunities",
                &["opportunity_id"],
                "opportunity",
            ),
            r(&["owner_id"], "people", &["person_id"], "person"),
            r(
                &["reverses_id"],
                "transactions",
                &["transaction_id"],
                "transaction",
            ),
        ],
    },
    FileSpec {
        name: "splits",
        columns: &[
            req("transaction_id", Kind::Id),
            req("person_id", Kind::Id),
            req("percent", Kind::Percent),
        ],
        key: &["transaction_id", "person_id"],
        refs: &[
            r(
                &["transaction_id"],
                "transactions",
                &["transaction_id"],
                "transaction",
            ),
            PERSON,
        ],
    },
    FileSpec {
        name: "targets",
        columns: &[
            req("scope", Kind::Word(|s| Scope::parse(s).map(drop))),
            req("scope_id", Kind::Id),
            req("year", YEAR),
            req("month", MONTH),
            req("metric", METRIC),
            req("amount", Kind::MoneyNonNegative),
        ],
        key: &["scope", "scope_id", "year", "month", "metric"],
        refs: &[],
    },
    FileSpec {
        name: "plans",
        columns: &[
            req("plan_id", Kind::Id),
            req("name", Kind::Text),
            req("year", YEAR),
            req("component", Kind::Id),
            req("metric", METRIC),
            req("method", Kind::Word(|s| Method::parse(s).map(drop))),
            req("period", Kind::Word(|s| Period::parse(s).map(drop))),
            opt("weight", Kind::Ratio),
            opt("cap", Kind::MoneyNonNegative),
        ],
        key: &["plan_id", "component"],
        refs: &[],
    },
    FileSpec {
        name: "plan_tiers",
        columns: &[
            req("plan_id", Kind::Id),
            req("component", Kind::Id),
            req("att_from", Kind::Ratio),
            opt("att_to", Kind::Ratio),
            req("rate", Kind::Ratio),
        ],
        key: &["plan_id", "component", "att_from"],
        refs: &[r(
            &["plan_id", "component"],
            "plans",
            &["plan_id", "component"],
            "plan component",
        )],
    },
    FileSpec {
        name: "plan_curve",
        columns: &[
            req("plan_id", Kind::Id),
            req("component", Kind::Id),
            req("attainment", Kind::Ratio),
            req("payout", Kind::Ratio),
        ],
        key: &["plan_id", "component", "attainment"],
        refs: &[r(
            &["plan_id", "component"],
            "plans",
            &["plan_id", "component"],
            "plan component",
        )],
    },
    FileSpec {
        name: "plan_assignments",
        columns: &[
            req("person_id", Kind::Id),
            req("plan_id", Kind::Id),
            req("year", YEAR),
            opt("target_incentive", Kind::MoneyNonNegative),
        ],
        key: &["person_id", "year"],
        refs: &[PERSON, r(&["plan_id"], "plans", &["plan_id"], "plan")],
    },
    FileSpec {
        name: "paid",
        columns: &[
            req("person_id", Kind::Id),
            req("plan_id", Kind::Id),
            req("component", Kind::Id),
            req("year", YEAR),
            req("month", MONTH),
            req("amount", Kind::Money),
        ],
        key: &["person_id", "plan_id", "component", "year", "month"],
        refs: &[
            PERSON,
            r(
                &["plan_id", "component"],
                "plans",
                &["plan_id", "component"],
                "plan component",
            ),
        ],
    },
    FileSpec {
        name: "adjustments",
        columns: &[
            req("adjustment_id", Kind::Id),
            req("person_id", Kind::Id),
            req("year", YEAR),
            req("month", MONTH),
            req("amount", Kind::Money),
            req("reason", Kind::Text),
        ],
        key: &["adjustment_id"],
        refs: &[PERSON],
    },
    FileSpec {
        name: "decision_steps",
        columns: &[
            req("account_id", Kind::Id),
            req("step", STEP),
            req("name", Kind::Text),
            opt("description", Kind::Text),
        ],
        key: &["account_id", "step"],
        refs: &[r(&["account_id"], "accounts", &["account_id"], "account")],
    },
    FileSpec {
        name: "decision_step_contacts",
        columns: &[
            req("account_id", Kind::Id),
            req("step", STEP),
            req("contact_id", Kind::Id),
        ],
        key: &["account_id", "step", "contact_id"],
        refs: &[
            r(
                &["account_id", "step"],
                "decision_steps",
                &["account_id", "step"],
                "decision step",
            ),
            r(&["contact_id"], "contacts", &["contact_id"], "contact"),
        ],
    },
    FileSpec {
        name: "trainings",
        columns: &[
            req("training_id", Kind::Id),
            req("title", Kind::Text),
            req("kind", Kind::Word(|s| TrainingKind::parse(s).map(drop))),
            opt("date", Kind::Date),
            opt("hours", Kind::Ratio),
            opt("description", Kind::Text),
        ],
        key: &["training_id"],
        refs: &[],
    },
    FileSpec {
        name: "training_records",
        columns: &[
            req("training_id", Kind::Id),
            req("person_id", Kind::Id),
            req("status", Kind::Word(|s| TrainingStatus::parse(s).map(drop))),
            opt("date", Kind::Date),
        ],
        key: &["training_id", "person_id"],
        refs: &[TRAINING, PERSON],
    },
    FileSpec {
        name: "job_trainings",
        columns: &[req("job_id", Kind::Id), req("training_id", Kind::Id)],
        key: &["job_id", "training_id"],
        refs: &[r(&["job_id"], "jobs", &["job_id"], "job"), TRAINING],
    },
    FileSpec {
        name: "recognitions",
        columns: &[
            req("recognition_id", Kind::Id),
            req("person_id", Kind::Id),
            req("date", Kind::Date),
            req("reason", Kind::Text),
            opt("given_by_id", Kind::Id),
            opt("meeting_id", Kind::Id),
            opt("award", Kind::Text),
            opt("amount", Kind::MoneyNonNegative),
            opt("adjustment_id", Kind::Id),
        ],
        key: &["recognition_id"],
        refs: &[
            PERSON,
            r(&["given_by_id"], "people", &["person_id"], "person"),
            r(
                &["adjustment_id"],
                "adjustments",
                &["adjustment_id"],
                "adjustment",
            ),
        ],
    },
    FileSpec {
        name: "competencies",
        columns: &[
            req("competency_id", Kind::Id),
            req("name", Kind::Text),
            opt("description", Kind::Text),
            req("position", Kind::Int { min: 0, max: 1000 }),
        ],
        key: &["competency_id"],
        refs: &[],
    },
    FileSpec {
        name: "coaching_sessions",
        columns: &[
            req("session_id", Kind::Id),
            req("person_id", Kind::Id),
            req("coach_id", Kind::Id),
            req("date", Kind::Date),
            req("kind", Kind::Word(|s| CoachingKind::parse(s).map(drop))),
            opt("account_id", Kind::Id),
            opt("opportunity_id", Kind::Id),
            opt("preparation", Kind::Text),
            opt("what_happened", Kind::Text),
            opt("learned", Kind::Text),
            opt("do_better", Kind::Text),
            opt("shared_notes", Kind::Text),
            opt("private_notes", Kind::Text),
            opt("reflection", Kind::Text),
        ],
        key: &["session_id"],
        refs: &[
            PERSON,
            r(&["coach_id"], "people", &["person_id"], "person"),
            r(&["account_id"], "accounts", &["account_id"], "account"),
            r(
                &["opportunity_id"],
                "opportunities",
                &["opportunity_id"],
                "opportunity",
            ),
        ],
    },
    FileSpec {
        name: "skill_ratings",
        columns: &[
            req("session_id", Kind::Id),
            req("competency_id", Kind::Id),
            req("rating", Kind::Int { min: 1, max: 5 }),
        ],
        key: &["session_id", "competency_id"],
        refs: &[
            r(
                &["session_id"],
                "coaching_sessions",
                &["session_id"],
                "coaching session",
            ),
            r(
                &["competency_id"],
                "competencies",
                &["competency_id"],
                "competency",
            ),
        ],
    },
    FileSpec {
        name: "action_items",
        columns: &[
            req("action_id", Kind::Id),
            opt("session_id", Kind::Id),
            req("person_id", Kind::Id),
            req("owner_id", Kind::Id),
            req("description", Kind::Text),
            opt("due_date", Kind::Date),
            req("status", Kind::Word(|s| ActionStatus::parse(s).map(drop))),
            opt("done_date", Kind::Date),
        ],
        key: &["action_id"],
        refs: &[
            r(
                &["session_id"],
                "coaching_sessions",
                &["session_id"],
                "coaching session",
            ),
            PERSON,
            r(&["owner_id"], "people", &["person_id"], "person"),
        ],
    },
    FileSpec {
        name: "territory_plans",
        columns: &[
            req("person_id", Kind::Id),
            req("year", YEAR),
            req("status", Kind::Word(|s| PlanStatus::parse(s).map(drop))),
            req("version", VERSION),
            opt("submitted_date", Kind::Date),
            opt("agreed_date", Kind::Date),
            opt("agreed_by_id", Kind::Id),
            opt("manager_comment", Kind::Text),
        ],
        key: &["person_id", "year"],
        refs: &[
            PERSON,
            r(&["agreed_by_id"], "people", &["person_id"], "person"),
        ],
    },
    FileSpec {
        name: "plan_sections",
        columns: &[
            req("person_id", Kind::Id),
            req("year", YEAR),
            req("section", Kind::Word(|s| PlanSection::parse(s).map(drop))),
            opt("text", Kind::Text),
        ],
        key: &["person_id", "year", "section"],
        refs: &[PLAN],
    },
    FileSpec {
        name: "plan_key_accounts",
        columns: &[
            req("person_id", Kind::Id),
            req("year", YEAR),
            req("account_id", Kind::Id),
            opt("strategy", Kind::Text),
        ],
        key: &["person_id", "year", "account_id"],
        refs: &[
            PLAN,
            r(&["account_id"], "accounts", &["account_id"], "account"),
        ],
    },
    FileSpec {
        name: "meeting_template",
        columns: &[
            req("position", POSITION),
            req("section", SECTION),
            req("title", Kind::Text),
            opt("minutes", MINUTES),
        ],
        key: &["position"],
        refs: &[],
    },
    FileSpec {
        name: "meetings",
        columns: &[
            req("meeting_id", Kind::Id),
            req("team_manager_id", Kind::Id),
            req("date", Kind::Date),
            req("title", Kind::Text),
            opt("cadence", Kind::Word(|s| Cadence::parse(s).map(drop))),
            req("status", Kind::Word(|s| MeetingStatus::parse(s).map(drop))),
            opt("notes", Kind::Text),
        ],
        key: &["meeting_id"],
        refs: &[r(&["team_manager_id"], "people", &["person_id"], "person")],
    },
    FileSpec {
        name: "meeting_items",
        columns: &[
            req("meeting_id", Kind::Id),
            req("position", POSITION),
            req("section", SECTION),
            opt("person_id", Kind::Id),
            req("title", Kind::Text),
            opt("minutes", MINUTES),
            opt("figures", Kind::Text),
            opt("notes", Kind::Text),
        ],
        key: &["meeting_id", "position"],
        refs: &[MEETING, PERSON],
    },
    FileSpec {
        name: "meeting_attendance",
        columns: &[
            req("meeting_id", Kind::Id),
            req("person_id", Kind::Id),
            req("status", Kind::Word(|s| Attendance::parse(s).map(drop))),
        ],
        key: &["meeting_id", "person_id"],
        refs: &[MEETING, PERSON],
    },
    FileSpec {
        name: "meeting_followups",
        columns: &[
            req("meeting_id", Kind::Id),
            req("followup_id", Kind::Id),
            req("owner_id", Kind::Id),
            req("description", Kind::Text),
            opt("due_date", Kind::Date),
            req("status", Kind::Word(|s| FollowupStatus::parse(s).map(drop))),
        ],
        key: &["meeting_id", "followup_id"],
        refs: &[
            MEETING,
            r(&["owner_id"], "people", &["person_id"], "person"),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_and_reference_names_real_columns() {
        for f in FILES {
            assert_eq!(
                f.key[0], f.columns[0].name,
                "{}: the key starts with the first column",
                f.name
            );
            f.key_indexes();
            for r in f.refs {
                for c in r.columns {
                    assert!(f.column_index(c).is_some(), "{}.{c}", f.name);
                }
                let target = file_spec(r.table).expect("a referenced table is a dataset file");
                for c in r.target {
                    assert!(target.column_index(c).is_some(), "{}.{c}", r.table);
                }
            }
        }
    }

    #[test]
    fn kinds_parse_and_format_back() {
        let money = Kind::Money.parse("-12.5").unwrap();
        assert_eq!(Kind::Money.format(&money), "-12.50");
        assert_eq!(Kind::Ratio.format(&Kind::Ratio.parse("1.0").unwrap()), "1");
        assert_eq!(
            Kind::Bool.format(&Kind::Bool.normalize(Value::Int(1))),
            "true"
        );
        assert!(
            ROLE.parse("boss")
                .unwrap_err()
                .to_string()
                .contains("rep, manager")
        );
        assert!(MONTH.parse("13").is_err());
    }
}
