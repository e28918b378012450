//! Shared test set-up: a small company imported into a fresh database per backend, a sign-in
//! per role, and helpers to send requests in-process.
#![allow(dead_code, clippy::unwrap_used)]

use attain_dataset::{NoProgress, Source};
use attain_domain::vocab::Role;
use attain_store::testing::TestDb;
use attain_store::{Executor, params};
use attain_web::auth::users;
use attain_web::{Config, PasswordStrength};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct-horse-battery";

/// The company: a root, two regions, two districts under east; a director over one manager,
/// a second manager; reps; r4 moved to m1 by reporting.csv (people.manager_id still says m2).
pub fn company() -> Vec<(String, Vec<u8>)> {
    let files: &[(&str, &str)] = &[
        (
            "settings.csv",
            "key,value\ncompany_name,Testco\ncurrency,USD\n",
        ),
        (
            "territories.csv",
            "territory_id,name,parent_id\nco,Company,\neast,East,co\nwest,West,co\neast1,East One,east\neast2,East Two,east\n",
        ),
        (
            "people.csv",
            "person_id,name,email,role,manager_id,territory_id\n\
             ops,Olga Ops,ops@x.test,sales_ops,,\n\
             exec,Eve Exec,exec@x.test,executive,,co\n\
             dir,Dan Director,dir@x.test,director,,east\n\
             m1,Mia Manager,m1@x.test,manager,dir,east1\n\
             m2,Max Manager,m2@x.test,manager,,west\n\
             r1,Rita Rep,r1@x.test,rep,m1,east1\n\
             r2,Raj Rep,r2@x.test,rep,m1,east1\n\
             r3,Rosa Rep,r3@x.test,rep,m2,west\n\
             r4,Rob Rep,r4@x.test,rep,m2,east2\n",
        ),
        (
            "reporting.csv",
            "person_id,manager_id,start_date\nr4,m1,2001-01-01\nr4,m2,2999-01-01\n",
        ),
        (
            "accounts.csv",
            "account_id,name,territory_id,industry,owner_id,key_account\n\
             a1,Acme,east1,Manufacturing,r1,true\n\
             a2,Globex,west,Retail,r3,false\n",
        ),
        (
            "contacts.csv",
            "contact_id,account_id,name,title,buying_role\nc1,a1,Carla Buyer,CFO,economic_buyer\n",
        ),
        (
            "opportunities.csv",
            "opportunity_id,account_id,owner_id,name,stage,amount,created_date,close_date\n\
             o1,a1,r1,Acme expansion,proposal,50000.00,2026-01-10,2026-06-30\n",
        ),
        (
            "activities.csv",
            "activity_id,person_id,date,type,account_id,subject\nact1,r1,2026-02-01,meeting,a1,Kick-off\n",
        ),
    ];
    files
        .iter()
        .map(|(n, b)| ((*n).to_owned(), b.as_bytes().to_vec()))
        .collect()
}

/// The sign-ins made for every test: email, role, person.
pub const USERS: &[(&str, Role, Option<&str>)] = &[
    ("ops@x.test", Role::SalesOps, Some("ops")),
    ("exec@x.test", Role::Executive, Some("exec")),
    ("dir@x.test", Role::Director, Some("dir")),
    ("m1@x.test", Role::Manager, Some("m1")),
    ("r1@x.test", Role::Rep, Some("r1")),
    ("r3@x.test", Role::Rep, Some("r3")),
];

/// An application on a fresh database with the test company. Fields drop in order: the router
/// (and its store handle) and the runtime before the database.
pub struct TestApp {
    pub app: Router,
    pub rt: tokio::runtime::Runtime,
    pub db: TestDb,
}

/// A signed-in browser: its cookie and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

/// An answer, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Returns the value of a cookie set by the answer, if any.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| {
                let first = c.split(';').next()?;
                let (k, v) = first.split_once('=')?;
                (k == name).then(|| v.to_owned())
            })
    }
}

impl TestApp {
    /// Runs a test body on this app's runtime (the database is dropped outside it afterwards).
    pub fn run<T>(&self, f: impl std::future::Future<Output = T>) -> T {
        self.rt.block_on(f)
    }

    /// Runs synchronous store work from inside the test body.
    pub fn with_db<T>(&self, f: impl FnOnce(&attain_store::Store) -> T) -> T {
        tokio::task::block_in_place(|| f(&self.db.store))
    }

    /// Executes one statement on the database.
    pub fn exec(&self, sql: &str, args: &[attain_store::Value]) {
        self.with_db(|s| s.conn().unwrap().execute(sql, args).unwrap());
    }

    /// Returns one page of rows of a query.
    pub fn rows(&self, sql: &str) -> Vec<attain_store::Row> {
        self.with_db(|s| s.conn().unwrap().query(sql, &[]).unwrap())
    }

    /// Returns one app per configured backend (SQLite always, PostgreSQL when set).
    pub fn all() -> Vec<TestApp> {
        TestDb::all()
            .unwrap()
            .into_iter()
            .map(|db| {
                let source = Source::from_memory(company());
                attain_dataset::import(&db, &source, "test", &NoProgress).unwrap();
                for (email, role, person) in USERS {
                    users::add_user(
                        &db,
                        email,
                        *role,
                        *person,
                        PASSWORD,
                        PasswordStrength::TestOnly,
                        "test",
                    )
                    .unwrap();
                }
                let config = Config {
                    password_strength: PasswordStrength::TestOnly,
                    ..Config::default()
                };
                let app = attain_web::app(db.store.clone(), config);
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .unwrap();
                TestApp { app, rt, db }
            })
            .collect()
    }

    /// Returns one app per backend with the test company and, over it, the worked example of
    /// the spec (r1 reports to m1, who reports to nobody; plan `std` for r1 in 2026).
    pub fn worked() -> Vec<TestApp> {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../attain-engine/tests/worked");
        let apps = TestApp::all();
        for app in &apps {
            let source = Source::from_dir(&dir).unwrap();
            attain_dataset::import(&app.db, &source, "test", &NoProgress).unwrap();
        }
        apps
    }

    /// Imports dataset files given as `(name, content)`.
    pub fn import(&self, files: &[(&str, &str)]) {
        let source = Source::from_memory(
            files
                .iter()
                .map(|(n, c)| ((*n).to_owned(), c.as_bytes().to_vec()))
                .collect(),
        );
        self.with_db(|s| attain_dataset::import(s, &source, "test", &NoProgress).unwrap());
    }

    /// Posts a form as a signed-in browser, with its CSRF token.
    pub async fn post(&self, uri: &str, who: &Browser, fields: &[(&str, &str)]) -> Answer {
        let mut all = vec![("csrf", who.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form(uri, &who.cookie, &all).await
    }

    /// Returns the bytes of an answer (for downloads).
    pub async fn get_bytes(&self, uri: &str, who: &Browser) -> (StatusCode, Vec<u8>) {
        let req = Request::get(uri)
            .header(header::COOKIE, &who.cookie)
            .body(Body::empty())
            .unwrap();
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        (
            status,
            resp.into_body()
                .collect()
                .await
                .unwrap()
                .to_bytes()
                .to_vec(),
        )
    }

    pub async fn send(&self, req: Request<Body>) -> Answer {
        let resp = self.app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, uri: &str, who: Option<&Browser>) -> Answer {
        let mut b = Request::get(uri);
        if let Some(w) = who {
            b = b.header(header::COOKIE, &w.cookie);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    pub async fn get_with_token(&self, uri: &str, token: &str) -> Answer {
        let req = Request::get(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// Posts a urlencoded form with a cookie header.
    pub async fn post_form(&self, uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Answer {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = Request::post(uri)
            .header(header::COOKIE, cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Opens the sign-in form and returns the pre-session cookie and its CSRF token.
    pub async fn signin_form(&self) -> (String, String) {
        let a = self.get("/signin", None).await;
        assert_eq!(a.status, StatusCode::OK);
        let pre = a.set_cookie("attain_presession").unwrap();
        let csrf = hidden(&a.body, "csrf").unwrap();
        (format!("attain_presession={pre}"), csrf)
    }

    /// Submits the sign-in form and returns the answer.
    pub async fn try_sign_in(&self, email: &str, password: &str) -> Answer {
        let (cookie, csrf) = self.signin_form().await;
        self.post_form(
            "/signin",
            &cookie,
            &[
                ("csrf", &csrf),
                ("email", email),
                ("password", password),
                ("next", "/"),
            ],
        )
        .await
    }

    /// Signs in and returns the browser (cookie and CSRF token).
    pub async fn sign_in(&self, email: &str) -> Browser {
        let a = self.try_sign_in(email, PASSWORD).await;
        assert_eq!(
            a.status,
            StatusCode::SEE_OTHER,
            "sign-in of {email}: {}",
            a.body
        );
        let id = a.set_cookie("attain_session").unwrap();
        let cookie = format!("attain_session={id}");
        let profile = self
            .get(
                "/profile",
                Some(&Browser {
                    cookie: cookie.clone(),
                    csrf: String::new(),
                }),
            )
            .await;
        let csrf = hidden(&profile.body, "csrf").unwrap();
        Browser { cookie, csrf }
    }

    /// Creates an API token for a sign-in.
    pub fn token(&self, email: &str) -> String {
        self.with_db(|s| users::create_token(s, email, "test", "test").unwrap())
    }

    /// Writes calculation results for r1 (and the east1 territory) in fiscal 2026.
    pub fn results(&self) {
        self.with_db(Self::write_results);
    }

    fn write_results(store: &attain_store::Store) {
        let mut c = store.conn().unwrap();
        for (m, credited, target) in [
            (1, 3_500_000, 1_000_000),
            (2, 4_000_000, 1_000_000),
            (3, -400_000, 1_000_000),
        ] {
            c.execute(
                "INSERT INTO result_credits (person_id, year, month, metric, direct, override, credited, target, attainment)
                 VALUES ('r1', 2026, $1, 'bookings', $2, 0, $2, $3, NULL)",
                params![m, credited, target],
            )
            .unwrap();
            c.execute(
                "INSERT INTO result_territories (territory_id, year, month, metric, actual, target, attainment)
                 VALUES ('east1', 2026, $1, 'bookings', $2, $3, NULL)",
                params![m, credited, target],
            )
            .unwrap();
        }
        c.execute(
            "INSERT INTO result_statements (person_id, year, month, calculated, adjustments, total)
             VALUES ('r1', 2026, 1, 70000, 0, 70000)",
            &[],
        )
        .unwrap();
        c.execute(
            "INSERT INTO result_payouts (person_id, plan_id, component, year, month, period_credit,
                 period_target, attainment, earned_to_date, adjustment, payout, locked)
             VALUES ('r1', 'std', 'new', 2026, 1, 3500000, 12000000, 291667, 70000, 0, 70000, $1)",
            params![false],
        )
        .unwrap();
    }

    /// Counts the rows of a table.
    pub fn count(&self, table: &str) -> i64 {
        self.with_db(|s| {
            s.conn()
                .unwrap()
                .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])
                .unwrap()
                .int(0)
                .unwrap()
        })
    }
}

/// Returns the value of the first hidden input named `name` in a page.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// Builds a multipart body of files (and an optional csrf field); returns (content type, body).
pub fn multipart(files: &[(&str, &str)], csrf: Option<&str>) -> (String, Vec<u8>) {
    let boundary = "XattainBoundaryX";
    let mut body = String::new();
    if let Some(c) = csrf {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{c}\r\n"
        ));
    }
    for (name, content) in files {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n\
             Content-Type: text/csv\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (
        format!("multipart/form-data; boundary={boundary}"),
        body.into_bytes(),
    )
}

/// A coaching fixture: a competency model, a session of m1 with r1 holding a private note
/// (`SECRET-NOTE-r1`), one of m2 with r3, and an action item of r1.
pub const COACHING: &[(&str, &str)] = &[
    (
        "competencies.csv",
        "competency_id,name,description,position\ndiscovery,Discovery,Asks good questions,1\nclosing,Closing,,2\n",
    ),
    (
        "coaching_sessions.csv",
        "session_id,person_id,coach_id,date,kind,shared_notes,private_notes\n\
         s1,r1,m1,2026-02-01,field_visit,Good discovery,SECRET-NOTE-r1\n\
         s3,r3,m2,2026-02-02,one_to_one,Pipeline review,SECRET-NOTE-r3\n",
    ),
    (
        "skill_ratings.csv",
        "session_id,competency_id,rating\ns1,discovery,4\n",
    ),
    (
        "action_items.csv",
        "action_id,session_id,person_id,owner_id,description,due_date,status\n\
         ai1,s1,r1,r1,Send the mutual plan,2026-02-15,open\n",
    ),
];

impl TestApp {
    /// Imports the coaching fixture.
    pub fn coaching(&self) {
        self.import(COACHING);
    }
}
