//! Throttling of failed sign-ins, per email and per client address: after a few free failures
//! each further attempt must wait a delay that doubles with every failure, up to a ceiling. The
//! count is forgotten an hour after the last failure, so nobody is ever locked out for good.

use attain_store::{Executor, StoreResult, params};
use chrono::{DateTime, Utc};

/// What is counted: failures for one email, or from one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Failures for an email address (known or not).
    Email,
    /// Failures from a client address (many people may share one, so it allows more).
    Ip,
}

impl Scope {
    fn word(self) -> &'static str {
        match self {
            Scope::Email => "email",
            Scope::Ip => "ip",
        }
    }

    /// Failures allowed before any delay.
    fn free(self) -> i64 {
        match self {
            Scope::Email => 3,
            Scope::Ip => 20,
        }
    }
}

/// The first delay, doubled with each further failure.
const BASE_SECONDS: i64 = 2;
/// The longest delay between two attempts.
const MAX_SECONDS: i64 = 15 * 60;
/// Failures are forgotten this long after the last one.
const FORGET_SECONDS: i64 = 3600;

/// Returns the delay required after `failures` failures in a scope.
fn delay(scope: Scope, failures: i64) -> i64 {
    let over = failures - scope.free();
    if over <= 0 {
        return 0;
    }
    let exp = u32::try_from(over - 1).unwrap_or(u32::MAX).min(20);
    (BASE_SECONDS << exp).min(MAX_SECONDS)
}

/// Returns how many seconds the subject must still wait before trying again (0: go ahead).
pub fn wait_seconds(
    ex: &mut impl Executor,
    scope: Scope,
    subject: &str,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let row = ex.query_opt(
        "SELECT failures, last_failure_at FROM login_failures WHERE scope = $1 AND subject = $2",
        params![scope.word(), subject],
    )?;
    let Some(row) = row else { return Ok(0) };
    let (failures, last) = (row.int(0)?, row.time(1)?);
    let since = (now - last).num_seconds();
    if since >= FORGET_SECONDS {
        return Ok(0);
    }
    Ok((delay(scope, failures) - since).max(0))
}

/// Counts a failed sign-in (a count older than the forgetting time starts again at 1).
pub fn record_failure(
    ex: &mut impl Executor,
    scope: Scope,
    subject: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let forget_before = now - chrono::Duration::seconds(FORGET_SECONDS);
    ex.execute(
        "INSERT INTO login_failures (scope, subject, failures, last_failure_at)
         VALUES ($1, $2, 1, $3)
         ON CONFLICT (scope, subject) DO UPDATE SET
             failures = CASE WHEN login_failures.last_failure_at < $4 THEN 1
                             ELSE login_failures.failures + 1 END,
             last_failure_at = $3",
        params![scope.word(), subject, now, forget_before],
    )?;
    Ok(())
}

/// Forgets the failures of a subject (after a successful sign-in).
pub fn clear(ex: &mut impl Executor, scope: Scope, subject: &str) -> StoreResult<()> {
    ex.execute(
        "DELETE FROM login_failures WHERE scope = $1 AND subject = $2",
        params![scope.word(), subject],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_doubles_after_the_free_attempts_and_has_a_ceiling() {
        assert_eq!(delay(Scope::Email, 3), 0);
        assert_eq!(delay(Scope::Email, 4), 2);
        assert_eq!(delay(Scope::Email, 5), 4);
        assert_eq!(delay(Scope::Email, 6), 8);
        assert_eq!(delay(Scope::Email, 40), MAX_SECONDS);
        assert_eq!(delay(Scope::Ip, 20), 0);
        assert_eq!(delay(Scope::Ip, 21), 2);
    }
}
