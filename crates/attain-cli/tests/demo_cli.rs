//! `attain demo` end to end, on every test database: an empty database gets the demo company
//! (calculated, past months closed) and three sign-ins printed once, and is served; a second run
//! keeps the company and gives the demo's sign-ins new passwords.
#![allow(clippy::unwrap_used)] // a test that fails should panic

use attain_store::testing::TestDb;
use attain_store::{Executor, params};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};

/// A running `attain demo`, stopped with SIGTERM when dropped.
struct Demo {
    child: Child,
    lines: Vec<String>,
    addr: String,
}

impl Demo {
    /// Starts `attain demo` on a free port and reads its output up to the serving line.
    fn start(db: &str) -> Demo {
        let mut child = Command::new(env!("CARGO_BIN_EXE_attain"))
            .args(["--db", db, "demo", "--bind", "127.0.0.1:0"])
            .env_remove("ATTAIN_DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            assert!(
                out.read_line(&mut line).unwrap() > 0,
                "demo ended early:\n{}",
                lines.join("\n")
            );
            let line = line.trim_end().to_owned();
            let done = line.starts_with("Attain is serving on http://");
            lines.push(line);
            if done {
                break;
            }
        }
        let addr = lines
            .last()
            .and_then(|l| l.split("http://").nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap()
            .to_owned();
        Demo { child, lines, addr }
    }

    /// Returns the printed sign-ins: role, email, password.
    fn sign_ins(&self) -> Vec<(String, String, String)> {
        self.lines
            .iter()
            .filter_map(|l| {
                let mut words = l.split_whitespace();
                let role = words.next()?;
                if !["executive", "manager", "rep"].contains(&role) || !l.starts_with("  ") {
                    return None;
                }
                Some((role.into(), words.next()?.into(), words.next()?.into()))
            })
            .collect()
    }

    fn stop(mut self) {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        assert!(self.child.wait().unwrap().success(), "exits cleanly");
    }
}

fn http_get(addr: &str, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn demo_builds_a_calculated_company_with_three_sign_ins_then_keeps_it_on_a_second_run() {
    for db in TestDb::all().unwrap() {
        let url = db.store.url();
        let first = Demo::start(&url);
        let text = first.lines.join("\n");
        assert!(text.contains("Built the demo company"), "{text}");
        assert!(text.contains("compensation plans"), "{text}");
        let sign_ins = first.sign_ins();
        let roles: Vec<&str> = sign_ins.iter().map(|s| s.0.as_str()).collect();
        assert_eq!(roles, ["executive", "manager", "rep"], "{text}");
        for (_, email, password) in &sign_ins {
            assert!(email.contains('@'), "{text}");
            assert_eq!(password.len(), 20, "{text}");
        }
        assert!(http_get(&first.addr, "/health").starts_with("HTTP/1.1 200"));
        first.stop();

        // The company: people, a calculated year, every sign-in acting as a person; the rep
        // reports to the manager.
        let mut conn = db.store.conn().unwrap();
        let count = |conn: &mut attain_store::Conn, sql: &str| {
            conn.query_one(sql, &[]).unwrap().int(0).unwrap()
        };
        assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM people"), 60);
        assert!(count(&mut conn, "SELECT COUNT(*) FROM result_credits") > 0);
        // Each team's latest meeting carries the figures of its information-gathering round.
        assert!(
            count(
                &mut conn,
                "SELECT COUNT(*) FROM meeting_items WHERE figures LIKE '%open_amount%'"
            ) > 0
        );
        assert_eq!(
            count(
                &mut conn,
                "SELECT COUNT(*) FROM users WHERE person_id IS NULL"
            ),
            0
        );
        let manager_of_rep = conn
            .query_one(
                "SELECT p.manager_id FROM users u JOIN people p ON p.person_id = u.person_id
                 WHERE u.email = $1",
                params![&sign_ins[2].1],
            )
            .unwrap()
            .opt_string(0)
            .unwrap();
        let manager = conn
            .query_one(
                "SELECT person_id FROM users WHERE email = $1",
                params![&sign_ins[1].1],
            )
            .unwrap()
            .opt_string(0)
            .unwrap();
        assert_eq!(manager_of_rep, manager);
        drop(conn);

        let second = Demo::start(&url);
        let text = second.lines.join("\n");
        assert!(text.contains("already holds"), "{text}");
        let again = second.sign_ins();
        assert_eq!(again.len(), 3, "{text}");
        for (before, after) in sign_ins.iter().zip(&again) {
            assert_eq!(before.1, after.1);
            assert_ne!(before.2, after.2, "a new password");
        }
        second.stop();
        let mut conn = db.store.conn().unwrap();
        assert_eq!(count(&mut conn, "SELECT COUNT(*) FROM people"), 60);
    }
}
