//! Start-up as a program uses it: `build` binds (port 0 works) and `serve` runs until its
//! shutdown future completes.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};

#[test]
fn the_server_binds_a_free_port_answers_and_stops_when_told() {
    let db = attain_store::testing::TestDb::sqlite().unwrap();
    let store = db.store.clone();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async move {
        let config = attain_web::Config {
            bind: "127.0.0.1:0".parse().unwrap(),
            password_strength: attain_web::PasswordStrength::TestOnly,
            ..attain_web::Config::default()
        };
        let server = attain_web::build(store, config).await.unwrap();
        let addr = server.local_addr().unwrap();
        assert_ne!(addr.port(), 0);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(attain_web::serve(server, async {
            let _ = stopped.await;
        }));
        let answer = tokio::task::spawn_blocking(move || {
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            s.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut text = String::new();
            s.read_to_string(&mut text).unwrap();
            text
        })
        .await
        .unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.contains("{\"status\":\"ok\"}"));
        stop.send(()).unwrap();
        running.await.unwrap().unwrap();
    });
}
