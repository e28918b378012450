//! Word lists for plausible names: people, companies (whose core word decides the industry),
//! places (regions, their cities and countries), segments, products and partners.
//!
//! The tables are laid out by hand, a row per line, so they stay readable (`rustfmt::skip`).

/// A region template: its name and its cities, each with its country.
pub type Region = (&'static str, &'static [(&'static str, &'static str)]);

/// A geographic area: its name and its regions, in the order regions are created.
pub type Area = (&'static str, &'static [Region]);

/// Contact titles of a buying role: the role (empty for none) and its titles.
pub type Titles = (&'static str, &'static [&'static str]);

/// An activity type: its word, its share (per cent) and the subjects it is logged with.
pub type ActivityKind = (&'static str, u64, &'static [&'static str]);

/// Given names.
#[rustfmt::skip]
pub const FIRST: &[&str] = &[
    "Aaron", "Abigail", "Adam", "Adriana", "Ahmed", "Aisha", "Alan", "Alice", "Amara", "Amir",
    "Ana", "Andre", "Andrea", "Anna", "Anton", "Arjun", "Ava", "Beatriz", "Ben", "Bianca",
    "Carla", "Carlos", "Caroline", "Chen", "Chloe", "Chris", "Clara", "Daniel", "David", "Diana",
    "Diego", "Dmitri", "Elena", "Eli", "Elif", "Emma", "Eric", "Ethan", "Eva", "Fatima",
    "Felix", "Fiona", "Francesca", "Gabriel", "Grace", "Hana", "Hannah", "Hassan", "Helen",
    "Hugo", "Ian", "Ines", "Isaac", "Ivan", "Jack", "James", "Jana", "Jin", "Joao", "Jonas",
    "Julia", "Kai", "Karen", "Kenji", "Laura", "Leila", "Leo", "Lena", "Liam", "Lina", "Lucas",
    "Luis", "Maria", "Marco", "Mark", "Maya", "Mei", "Mia", "Michael", "Nadia", "Naomi",
    "Nathan", "Nina", "Noah", "Olga", "Omar", "Oscar", "Pablo", "Paula", "Peter", "Priya",
    "Rafael", "Rahul", "Rosa", "Ruth", "Samir", "Sara", "Sofia", "Stefan", "Tariq", "Tom",
    "Valentina", "Victor", "Wei", "Yara", "Yuki", "Zoe", "Zara", "Kofi", "Ngozi", "Aleksander",
    "Ingrid", "Sven", "Astrid", "Mateo", "Lucia", "Rohan", "Ananya",
];

/// Family names.
#[rustfmt::skip]
pub const LAST: &[&str] = &[
    "Adams", "Ahmed", "Alvarez", "Andersen", "Baker", "Banerjee", "Becker", "Bianchi", "Brown",
    "Campbell", "Carter", "Castillo", "Chen", "Clark", "Costa", "Cruz", "Dubois", "Evans",
    "Fernandez", "Fischer", "Fontaine", "Garcia", "Gomez", "Gonzalez", "Green", "Gupta", "Hall",
    "Hansen", "Harris", "Hoffmann", "Hughes", "Ibrahim", "Ito", "Jackson", "Jensen", "Johnson",
    "Kaur", "Khan", "Kim", "King", "Klein", "Kowalski", "Kumar", "Larsen", "Laurent", "Lee",
    "Lewis", "Li", "Lopez", "Martin", "Martinez", "Meyer", "Mendes", "Miller", "Moreau",
    "Morris", "Muller", "Murphy", "Nakamura", "Nguyen", "Nielsen", "Novak", "Okafor", "Olsen",
    "Ortiz", "Patel", "Perez", "Petrov", "Quinn", "Ramirez", "Reddy", "Reyes", "Richter",
    "Rivera", "Roberts", "Rodriguez", "Rossi", "Russo", "Sanchez", "Santos", "Sato", "Schmidt",
    "Schneider", "Scott", "Shah", "Silva", "Singh", "Smith", "Suzuki", "Tanaka", "Taylor",
    "Thomas", "Torres", "Turner", "Wagner", "Walker", "Wang", "Weber", "White", "Williams",
    "Wilson", "Wright", "Yamamoto", "Young", "Zhang", "Zimmermann", "Haddad", "Mensah",
    "Lindqvist", "Berg", "Moretti", "Duarte", "Varga", "Popescu", "Horvat", "Kovacs", "Mahlangu",
    "Oyelaran",
];

/// The first word of company names.
#[rustfmt::skip]
pub const COMPANY_PREFIX: &[&str] = &[
    "Northwind", "Blue Harbor", "Summit", "Ironwood", "Cedar", "Granite", "Silverline", "Redwood",
    "Bright", "Atlas", "Beacon", "Cobalt", "Crescent", "Evergreen", "Falcon", "Frontier",
    "Golden Gate", "Harbor", "Horizon", "Keystone", "Lakeshore", "Liberty", "Maple", "Meridian",
    "Northstar", "Oakridge", "Pacific", "Pinnacle", "Prairie", "Quantum", "Riverbend", "Sagebrush",
    "Sapphire", "Sierra", "Stonebridge", "Sunrise", "Tidewater", "Trident", "Union", "Vanguard",
    "Westfield", "Willow", "Zenith", "Alder", "Amber", "Apex", "Aurora", "Bluebird", "Boulder",
    "Canyon", "Catalyst", "Copperfield", "Coral", "Delta", "Eastgate", "Ember", "Fairview",
    "Foxglove", "Glacier", "Greenfield", "Hawthorne", "Highland", "Juniper", "Kestrel",
    "Landmark", "Lighthouse", "Magnolia", "Midway", "Monarch", "Nimbus", "Oasis", "Orion",
    "Palisade", "Polaris", "Redstone", "Sentinel", "Skyline", "Starling", "Tamarack", "Vertex",
];

/// Industries with the core words of their companies' names.
#[rustfmt::skip]
pub const INDUSTRIES: &[(&str, &[&str])] = &[
    ("Manufacturing", &["Manufacturing", "Industries", "Machining", "Fabrication", "Plastics"]),
    ("Healthcare", &["Health", "Medical", "Care", "Clinics", "Diagnostics"]),
    ("Financial Services", &["Capital", "Bancorp", "Financial", "Insurance", "Wealth"]),
    ("Retail", &["Retail", "Stores", "Outfitters", "Market", "Goods"]),
    ("Technology", &["Systems", "Software", "Networks", "Analytics", "Labs"]),
    ("Energy", &["Energy", "Power", "Solar", "Utilities", "Petroleum"]),
    ("Logistics", &["Logistics", "Freight", "Shipping", "Transport", "Distribution"]),
    ("Food and Beverage", &["Foods", "Brewing", "Farms", "Bakeries", "Beverages"]),
    ("Construction", &["Construction", "Builders", "Engineering", "Materials", "Homes"]),
    ("Media", &["Media", "Studios", "Publishing", "Broadcasting", "Entertainment"]),
    ("Education", &["Learning", "Academy", "Education", "Schools", "Institute"]),
    ("Life Sciences", &["Pharma", "Biosciences", "Therapeutics", "Genomics", "Life Sciences"]),
    ("Telecommunications", &["Telecom", "Wireless", "Communications", "Fiber", "Connect"]),
    ("Hospitality", &["Hotels", "Resorts", "Hospitality", "Travel", "Restaurants"]),
    ("Automotive", &["Motors", "Automotive", "Auto Parts", "Mobility", "Vehicles"]),
];

/// Endings of company names.
pub const COMPANY_SUFFIX: &[&str] = &[
    "",
    " Inc",
    " Group",
    " Ltd",
    " Holdings",
    " Co",
    " Partners",
    " LLC",
];

/// Endings of subsidiaries' names.
#[rustfmt::skip]
pub const SUBSIDIARY: &[&str] =
    &["Europe", "International", "Services", "Americas", "Asia Pacific", "Digital", "Labs"];

const US: &str = "United States";

/// The world the generated company sells in.
#[rustfmt::skip]
pub const AREAS: &[Area] = &[
    ("North America", &[
        ("Northeast", &[("Boston", US), ("New York", US), ("Philadelphia", US), ("Hartford", US), ("Pittsburgh", US), ("Albany", US)]),
        ("Southeast", &[("Atlanta", US), ("Miami", US), ("Charlotte", US), ("Nashville", US), ("Tampa", US), ("Raleigh", US)]),
        ("Midwest", &[("Chicago", US), ("Detroit", US), ("Minneapolis", US), ("Columbus", US), ("St. Louis", US), ("Milwaukee", US)]),
        ("South Central", &[("Dallas", US), ("Houston", US), ("Austin", US), ("San Antonio", US), ("Oklahoma City", US), ("New Orleans", US)]),
        ("West", &[("San Francisco", US), ("Los Angeles", US), ("Seattle", US), ("Denver", US), ("Phoenix", US), ("Portland", US)]),
        ("Canada", &[("Toronto", "Canada"), ("Montreal", "Canada"), ("Vancouver", "Canada"), ("Calgary", "Canada"), ("Ottawa", "Canada"), ("Edmonton", "Canada")]),
    ]),
    ("EMEA", &[
        ("UK and Ireland", &[("London", "United Kingdom"), ("Manchester", "United Kingdom"), ("Birmingham", "United Kingdom"), ("Edinburgh", "United Kingdom"), ("Dublin", "Ireland"), ("Leeds", "United Kingdom")]),
        ("DACH", &[("Munich", "Germany"), ("Berlin", "Germany"), ("Frankfurt", "Germany"), ("Hamburg", "Germany"), ("Zurich", "Switzerland"), ("Vienna", "Austria")]),
        ("France and Benelux", &[("Paris", "France"), ("Lyon", "France"), ("Amsterdam", "Netherlands"), ("Brussels", "Belgium"), ("Rotterdam", "Netherlands"), ("Luxembourg", "Luxembourg")]),
        ("Nordics", &[("Stockholm", "Sweden"), ("Copenhagen", "Denmark"), ("Oslo", "Norway"), ("Helsinki", "Finland"), ("Gothenburg", "Sweden"), ("Aarhus", "Denmark")]),
        ("Southern Europe", &[("Madrid", "Spain"), ("Barcelona", "Spain"), ("Milan", "Italy"), ("Rome", "Italy"), ("Lisbon", "Portugal"), ("Athens", "Greece")]),
        ("Middle East and Africa", &[("Dubai", "United Arab Emirates"), ("Riyadh", "Saudi Arabia"), ("Johannesburg", "South Africa"), ("Cape Town", "South Africa"), ("Nairobi", "Kenya"), ("Lagos", "Nigeria")]),
    ]),
    ("APAC", &[
        ("ANZ", &[("Sydney", "Australia"), ("Melbourne", "Australia"), ("Brisbane", "Australia"), ("Perth", "Australia"), ("Auckland", "New Zealand"), ("Adelaide", "Australia")]),
        ("Japan", &[("Tokyo", "Japan"), ("Osaka", "Japan"), ("Nagoya", "Japan"), ("Fukuoka", "Japan"), ("Sapporo", "Japan"), ("Yokohama", "Japan")]),
        ("Southeast Asia", &[("Singapore", "Singapore"), ("Kuala Lumpur", "Malaysia"), ("Jakarta", "Indonesia"), ("Bangkok", "Thailand"), ("Manila", "Philippines"), ("Ho Chi Minh City", "Vietnam")]),
        ("India", &[("Mumbai", "India"), ("Bangalore", "India"), ("Delhi", "India"), ("Chennai", "India"), ("Hyderabad", "India"), ("Pune", "India")]),
    ]),
    ("Latin America", &[
        ("Brazil", &[("Sao Paulo", "Brazil"), ("Rio de Janeiro", "Brazil"), ("Belo Horizonte", "Brazil"), ("Curitiba", "Brazil"), ("Porto Alegre", "Brazil"), ("Brasilia", "Brazil")]),
        ("Mexico and Central America", &[("Mexico City", "Mexico"), ("Monterrey", "Mexico"), ("Guadalajara", "Mexico"), ("Panama City", "Panama"), ("San Jose", "Costa Rica"), ("Queretaro", "Mexico")]),
        ("Andean and Southern Cone", &[("Bogota", "Colombia"), ("Lima", "Peru"), ("Santiago", "Chile"), ("Buenos Aires", "Argentina"), ("Medellin", "Colombia"), ("Montevideo", "Uruguay")]),
    ]),
];

/// Returns every region template with the index of its area, in creation order.
pub fn region_templates() -> Vec<(usize, &'static Region)> {
    AREAS
        .iter()
        .enumerate()
        .flat_map(|(a, area)| area.1.iter().map(move |r| (a, r)))
        .collect()
}

/// Customer segments of leaf territories: name, smallest and largest account in employees, and
/// the share (per mille) of key accounts.
#[rustfmt::skip]
pub const SEGMENTS: &[(&str, u64, u64, u64)] = &[
    ("Enterprise", 2_000, 150_000, 120),
    ("Mid-Market", 250, 2_500, 40),
    ("Commercial", 20, 300, 10),
    ("Strategic", 10_000, 250_000, 300),
];

/// Product lines, used in opportunity names.
#[rustfmt::skip]
pub const PRODUCTS: &[&str] = &[
    "Platform", "Analytics Suite", "Data Cloud", "Field Service", "Payments", "Security Bundle",
    "Support Plus", "Integration Hub", "Mobile Workforce", "Forecasting Add-on",
];

/// Channel partners.
#[rustfmt::skip]
pub const PARTNERS: &[&str] = &[
    "Accenture Alliance", "Bluewave Consulting", "Channel One Systems", "Crestline Partners",
    "Datapoint Resellers", "Nexus Integrators", "Pioneer Solutions", "Vantage IT",
];

/// Contact titles by buying role, in the order of `BuyingRole` (no role last).
#[rustfmt::skip]
pub const TITLES: &[Titles] = &[
    ("decision_maker", &["Chief Executive Officer", "Chief Operating Officer", "General Manager"]),
    ("economic_buyer", &["Chief Financial Officer", "VP Finance", "Head of Procurement"]),
    ("champion", &["Director of Operations", "Head of Sales Operations", "IT Director"]),
    ("influencer", &["Senior Manager", "Program Manager", "Business Analyst"]),
    ("technical_evaluator", &["Solutions Architect", "IT Manager", "Lead Engineer"]),
    ("user", &["Operations Manager", "Team Lead", "Coordinator"]),
    ("gatekeeper", &["Executive Assistant", "Procurement Specialist", "Office Manager"]),
    ("blocker", &["Head of IT Security", "Legal Counsel", "Controller"]),
    ("", &["Manager", "Specialist", "Associate"]),
];

/// Activity types with their share and subjects.
#[rustfmt::skip]
pub const ACTIVITIES: &[ActivityKind] = &[
    ("call", 30, &["Discovery call", "Follow-up call", "Check-in call", "Pricing call"]),
    ("email", 25, &["Sent proposal follow-up", "Shared case study", "Meeting recap", "Intro email"]),
    ("meeting", 15, &["Quarterly business review", "Stakeholder meeting", "Kick-off meeting"]),
    ("demo", 8, &["Product demo", "Technical deep dive", "Pilot review"]),
    ("prospecting", 10, &["Cold outreach", "Event follow-up", "Referral outreach"]),
    ("site_visit", 4, &["On-site workshop", "Executive visit", "Facility tour"]),
    ("proposal", 5, &["Proposal sent", "Revised proposal", "Order form sent"]),
    ("other", 3, &["Internal deal review", "Contract admin", "Account planning"]),
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use attain_domain::vocab::{ActivityType, BuyingRole};

    #[test]
    fn vocabulary_words_are_the_dataset_words() {
        for (role, _) in &TITLES[..TITLES.len() - 1] {
            BuyingRole::parse(role).unwrap();
        }
        let types: Vec<&str> = ACTIVITIES.iter().map(|a| a.0).collect();
        let all: Vec<&str> = ActivityType::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(types, all, "every activity type is generated");
        assert!(region_templates().iter().all(|(_, r)| !r.1.is_empty()));
    }
}
