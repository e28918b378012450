//! The Attain fields a CRM export can fill, per kind of record, and the header names a CRM
//! commonly gives them (used to guess a first mapping).

/// The kinds of record a CRM export can bring in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// An opportunity report: opportunities.csv (and stage_history.csv).
    Opportunities,
    /// An activity report: activities.csv.
    Activities,
    /// An account report: accounts.csv.
    Accounts,
}

impl RecordKind {
    /// Every kind, in the order the upload form lists them.
    pub const ALL: &'static [RecordKind] = &[
        RecordKind::Opportunities,
        RecordKind::Activities,
        RecordKind::Accounts,
    ];

    /// Parses the word used in forms and the API (`opportunities`, `activities`).
    pub fn parse(s: &str) -> Option<RecordKind> {
        RecordKind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// Returns the word used in forms, the API and the remembered mappings.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Opportunities => "opportunities",
            RecordKind::Activities => "activities",
            RecordKind::Accounts => "accounts",
        }
    }

    /// Returns what a page calls one record of this kind.
    pub fn noun(self) -> &'static str {
        match self {
            RecordKind::Opportunities => "opportunity",
            RecordKind::Activities => "activity",
            RecordKind::Accounts => "account",
        }
    }

    /// Returns the fields of this kind, in the order the mapping page lists them.
    pub fn fields(self) -> &'static [Field] {
        match self {
            RecordKind::Opportunities => OPPORTUNITY_FIELDS,
            RecordKind::Activities => ACTIVITY_FIELDS,
            RecordKind::Accounts => ACCOUNT_FIELDS,
        }
    }

    /// Returns the field that holds the CRM's own record id.
    pub fn id_field(self) -> &'static Field {
        &self.fields()[0]
    }

    /// Returns the field of this name.
    pub fn field(self, name: &str) -> Option<&'static Field> {
        self.fields().iter().find(|f| f.name == name)
    }
}

/// How a field's cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// The CRM's own record id: becomes the Attain id.
    RecordId,
    /// An id kept as it is (a related record's id).
    Id,
    /// Free text.
    Text,
    /// A person, by email (case-insensitive) or exact name.
    Person,
    /// An account by its Attain id.
    AccountId,
    /// An account by its name (case-insensitive).
    AccountName,
    /// An amount of money in the export's notation.
    Money,
    /// A whole number in the export's notation (`1,200`).
    Count,
    /// A date in the export's notation.
    Date,
    /// A value translated through the mapping's value table.
    Choice(Choice),
}

/// The closed lists a CRM value is translated into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The stages of the `stages` table (or the default stages).
    Stage,
    /// Forecast categories.
    ForecastCategory,
    /// Opportunity types.
    OpportunityType,
    /// Activity types.
    ActivityType,
}

/// One Attain field a column of the export can fill.
#[derive(Debug)]
pub struct Field {
    /// The field's name in mappings: the dataset column, or `owner`, `person`, `account_name`,
    /// `stage_date` for what is matched or derived.
    pub name: &'static str,
    /// What the mapping page calls it.
    pub label: &'static str,
    /// How its cells are read.
    pub how: How,
    /// Whether a mapping must name a column for it.
    pub required: bool,
    /// Header names that usually hold it, normalized (lowercase letters and digits only).
    pub guesses: &'static [&'static str],
}

const fn field(
    name: &'static str,
    label: &'static str,
    how: How,
    required: bool,
    guesses: &'static [&'static str],
) -> Field {
    Field {
        name,
        label,
        how,
        required,
        guesses,
    }
}

const OPPORTUNITY_FIELDS: &[Field] = &[
    field(
        "opportunity_id",
        "Record id (the CRM's opportunity id)",
        How::RecordId,
        true,
        &[
            "opportunityid",
            "opportunityid18",
            "opportunity18characterid",
            "dealid",
            "recordid",
            "id",
        ],
    ),
    field(
        "name",
        "Opportunity name",
        How::Text,
        true,
        &["opportunityname", "dealname", "name"],
    ),
    field(
        "account_id",
        "Account id (an Attain account id)",
        How::AccountId,
        false,
        &["accountid", "attainaccountid"],
    ),
    field(
        "account_name",
        "Account name",
        How::AccountName,
        false,
        &["accountname", "account", "company", "companyname"],
    ),
    field(
        "owner",
        "Owner (email or name)",
        How::Person,
        true,
        &[
            "opportunityowneremail",
            "owneremail",
            "opportunityowner",
            "owner",
            "ownername",
            "dealowner",
        ],
    ),
    field(
        "stage",
        "Stage",
        How::Choice(Choice::Stage),
        true,
        &["stage", "stagename", "dealstage"],
    ),
    field(
        "amount",
        "Amount",
        How::Money,
        true,
        &[
            "amount",
            "amountconverted",
            "dealamount",
            "totalamount",
            "value",
        ],
    ),
    field(
        "margin",
        "Margin",
        How::Money,
        false,
        &["margin", "grossmargin", "marginamount"],
    ),
    field(
        "created_date",
        "Created date",
        How::Date,
        true,
        &["createddate", "created", "createdon", "datecreated"],
    ),
    field(
        "close_date",
        "Close date",
        How::Date,
        true,
        &["closedate", "expectedclosedate", "closingdate", "closedon"],
    ),
    field(
        "forecast_category",
        "Forecast category",
        How::Choice(Choice::ForecastCategory),
        false,
        &["forecastcategory", "forecastcategoryname", "forecast"],
    ),
    field(
        "type",
        "Type",
        How::Choice(Choice::OpportunityType),
        false,
        &["type", "opportunitytype", "dealtype"],
    ),
    field(
        "stage_date",
        "Last stage change date (for stage history)",
        How::Date,
        false,
        &["laststagechangedate", "stagechangedate", "stagedate"],
    ),
];

const ACTIVITY_FIELDS: &[Field] = &[
    field(
        "activity_id",
        "Record id (the CRM's activity id)",
        How::RecordId,
        true,
        &["activityid", "taskid", "eventid", "recordid", "id"],
    ),
    field(
        "person",
        "Assigned to (email or name)",
        How::Person,
        true,
        &[
            "assignedemail",
            "assignedtoemail",
            "assigned",
            "assignedto",
            "activityowner",
            "owner",
        ],
    ),
    field(
        "date",
        "Date",
        How::Date,
        true,
        &["date", "activitydate", "duedate", "startdate"],
    ),
    field(
        "type",
        "Activity type",
        How::Choice(Choice::ActivityType),
        true,
        &[
            "activitytype",
            "tasksubtype",
            "eventsubtype",
            "subtype",
            "type",
        ],
    ),
    field(
        "account_id",
        "Account id (an Attain account id)",
        How::AccountId,
        false,
        &["accountid", "attainaccountid"],
    ),
    field(
        "account_name",
        "Account name",
        How::AccountName,
        false,
        &["accountname", "account", "company", "companyname"],
    ),
    field(
        "opportunity_id",
        "Opportunity id (the CRM's id of a related opportunity)",
        How::Id,
        false,
        &["opportunityid", "relatedopportunityid"],
    ),
    field(
        "subject",
        "Subject",
        How::Text,
        false,
        &["subject", "description", "comments"],
    ),
];

const ACCOUNT_FIELDS: &[Field] = &[
    field(
        "account_id",
        "Record id (the CRM's account id)",
        How::RecordId,
        true,
        &[
            "accountid",
            "account18characterid",
            "companyid",
            "recordid",
            "id",
        ],
    ),
    field(
        "name",
        "Account name",
        How::Text,
        true,
        &["accountname", "companyname", "name", "account", "company"],
    ),
    field(
        "territory_id",
        "Territory id (else the owner's home territory)",
        How::Id,
        false,
        &["territoryid", "attainterritoryid", "territory"],
    ),
    field(
        "owner",
        "Owner (email or name)",
        How::Person,
        false,
        &[
            "accountowneremail",
            "owneremail",
            "accountowner",
            "owner",
            "ownername",
        ],
    ),
    field("industry", "Industry", How::Text, false, &["industry"]),
    field(
        "country",
        "Country",
        How::Text,
        false,
        &["billingcountry", "country", "shippingcountry"],
    ),
    field(
        "employees",
        "Employees",
        How::Count,
        false,
        &["employees", "numberofemployees"],
    ),
    field(
        "annual_revenue",
        "Annual revenue",
        How::Money,
        false,
        &["annualrevenue", "revenue"],
    ),
];

/// Normalizes a header name for guessing: lowercase letters and digits only.
pub fn normalize_header(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Guesses which column holds each field from the header's names: for each field in order,
/// the first of its usual names found among the columns not taken by an earlier field.
pub fn guess_columns(kind: RecordKind, header: &[String]) -> Vec<(&'static str, String)> {
    let normalized: Vec<String> = header.iter().map(|h| normalize_header(h)).collect();
    let mut taken = vec![false; header.len()];
    let mut out = Vec::new();
    for f in kind.fields() {
        let found = f.guesses.iter().find_map(|g| {
            normalized
                .iter()
                .enumerate()
                .find(|(i, n)| !taken[*i] && n == g)
                .map(|(i, _)| i)
        });
        if let Some(i) = found {
            taken[i] = true;
            out.push((f.name, header[i].clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_salesforce_opportunity_header_is_guessed_field_by_field() {
        let h = header(&[
            "Opportunity Owner",
            "Account Name",
            "Opportunity Name",
            "Stage",
            "Amount",
            "Close Date",
            "Created Date",
            "Opportunity ID",
            "Forecast Category",
            "Type",
        ]);
        let guessed = guess_columns(RecordKind::Opportunities, &h);
        let get = |f: &str| {
            guessed
                .iter()
                .find(|(n, _)| *n == f)
                .map(|(_, c)| c.as_str())
        };
        assert_eq!(get("opportunity_id"), Some("Opportunity ID"));
        assert_eq!(get("name"), Some("Opportunity Name"));
        assert_eq!(get("owner"), Some("Opportunity Owner"));
        assert_eq!(get("account_name"), Some("Account Name"));
        assert_eq!(get("account_id"), None);
        assert_eq!(get("close_date"), Some("Close Date"));
        assert_eq!(get("type"), Some("Type"));
    }

    #[test]
    fn a_column_is_guessed_for_one_field_only() {
        let h = header(&["Id", "Subject", "Date", "Type"]);
        let guessed = guess_columns(RecordKind::Activities, &h);
        let columns: Vec<&str> = guessed.iter().map(|(_, c)| c.as_str()).collect();
        let mut unique = columns.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(columns.len(), unique.len());
        assert!(guessed.contains(&("activity_id", "Id".to_owned())));
        assert!(guessed.contains(&("type", "Type".to_owned())));
    }

    #[test]
    fn the_record_id_is_the_first_field_of_each_kind() {
        for k in RecordKind::ALL {
            assert_eq!(k.id_field().how, How::RecordId);
            assert_eq!(RecordKind::parse(k.as_str()), Some(*k));
        }
    }
}
