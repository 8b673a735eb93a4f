//! `ishare-jwt-test-endpoint [PORT]`: the test token endpoint as a process,
//! for the C and Kotlin suites. Prints `http://127.0.0.1:PORT` on one line,
//! then serves until its standard input closes (so it never outlives the
//! script that started it).

use std::io::Read;

fn main() -> std::io::Result<()> {
    let port = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let endpoint = ishare_jwt_test_endpoint::Endpoint::start(port)?;
    println!("{}", endpoint.base_url());
    let mut sink = Vec::new();
    std::io::stdin().read_to_end(&mut sink)?;
    Ok(())
}
