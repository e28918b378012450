//! The snapshots in JSON: a person's figures with their previous values, and a team's people
//! with outlier marks and the forecast roll-up. Same computations as the pages; amounts are
//! strings with two decimals, rates and coverage strings with six.

use crate::error::{ApiError, ApiResult, Fail};
use crate::pages::Company;
use crate::pages::snapshot::team::{TeamQuery, marks, sort, team};
use crate::pages::snapshot::today;
use crate::snapshot::{Computed, PeriodQuery, load};
use crate::{AppState, Viewer};
use attain_domain::pipeline::{Bucket, Figures, Period};
use attain_domain::{Money, Ratio};
use axum::Json;
use axum::extract::{Path, Query, State};
use serde_json::{Value as J, json};

fn m(v: Money) -> J {
    J::String(v.to_string())
}

fn om(v: Option<Money>) -> J {
    v.map_or(J::Null, m)
}

fn r(v: Option<Ratio>) -> J {
    v.map_or(J::Null, |r| J::String(r.fixed6()))
}

fn buckets(b: &[Bucket]) -> J {
    J::Array(
        b.iter()
            .map(|b| json!({ "key": b.key, "count": b.count, "amount": m(b.amount) }))
            .collect(),
    )
}

fn period(p: &Period) -> J {
    json!({ "kind": p.kind.as_str(), "start": p.start.to_string(), "end": p.end.to_string() })
}

/// Every figure of a period as JSON.
pub fn figures_json(f: &Figures) -> J {
    json!({
        "period": period(&f.period),
        "as_of": f.as_of.to_string(),
        "activities": f.activities,
        "activities_by_type": f.by_type.iter().map(|(k, n)| (k.as_str().to_owned(), J::from(*n))).collect::<serde_json::Map<_, _>>(),
        "new_opportunities": f.new_opportunities,
        "moved_forward": f.moved_forward,
        "moved_back": f.moved_back,
        "pipeline_by_stage": buckets(&f.by_stage),
        "pipeline_by_category": buckets(&f.by_category),
        "open_count": f.open_count,
        "open_amount": m(f.open_amount),
        "conversions": f.conversions.iter().map(|c| json!({
            "from": c.from, "to": c.to, "entered": c.entered, "converted": c.converted, "rate": r(c.rate),
        })).collect::<Vec<_>>(),
        "conversion": r(f.conversion),
        "days_in_stage": f.days_in_stage.iter().map(|(s, n, avg)| json!({
            "stage": s, "stays": n, "average_days": avg,
        })).collect::<Vec<_>>(),
        "won_count": f.won_count,
        "won_amount": m(f.won_amount),
        "lost_count": f.lost_count,
        "win_rate": r(f.win_rate),
        "average_deal": om(f.average_deal),
        "cycle_days": f.cycle_days,
        "velocity_per_day": om(f.velocity),
        "coverage": r(f.coverage),
        "stalled": f.stalled,
    })
}

/// A computed person as JSON.
pub fn computed_json(c: &Computed) -> J {
    json!({
        "person_id": c.member.id,
        "name": c.member.name,
        "current": figures_json(&c.snapshot.current),
        "previous": figures_json(&c.snapshot.previous),
        "expectations": c.snapshot.measured.iter().map(|x| json!({
            "metric": x.expectation.metric.as_str(),
            "comparison": x.expectation.comparison.as_str(),
            "per": x.expectation.per.as_str(),
            "threshold": x.expectation.threshold.fixed6(),
            "expected": x.expected.fixed6(),
            "actual": r(x.actual),
            "met": x.met,
        })).collect::<Vec<_>>(),
        "outliers": marks(c).iter().map(|w| w.replace(' ', "_")).collect::<Vec<_>>(),
    })
}

/// Returns a person's snapshot (`?period=week|month|quarter&date=`).
pub async fn get_person_snapshot(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(person_id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<J>> {
    if !viewer.can_see_person(&person_id) {
        return Err(Fail::NotFound.into());
    }
    let body = state
        .blocking(move |store| -> Result<J, ApiError> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let p = q.period(&company, today())?;
            let l = load(
                &mut conn,
                &company,
                std::slice::from_ref(&person_id),
                p,
                today(),
            )?;
            let c = l
                .compute()
                .into_iter()
                .next()
                .ok_or(ApiError(Fail::NotFound))?;
            Ok(computed_json(&c))
        })
        .await?;
    Ok(Json(body))
}

/// Returns a team's snapshot (`?manager=&period=&date=&sort=&dir=`).
pub async fn get_team_snapshot(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<TeamQuery>,
) -> ApiResult<Json<J>> {
    let body = state
        .blocking(move |store| -> Result<J, ApiError> {
            let mut conn = store.conn()?;
            let company = Company::load(&mut conn)?;
            let pq = PeriodQuery {
                period: q.period.clone(),
                date: q.date.clone(),
            };
            let mut t = team(&mut conn, store, &viewer, &company, &q.manager, &pq)?;
            sort(&mut t.people, &company, &q.sort, q.dir != "asc");
            let f = &t.forecast;
            Ok(json!({
                "manager_id": t.manager,
                "period": period(&t.period),
                "forecast": {
                    "won": m(f.won), "commit": m(f.commit), "best_case": m(f.best_case),
                    "pipeline": m(f.pipeline), "objective": m(t.objective),
                },
                "people": t.people.iter().map(computed_json).collect::<Vec<_>>(),
            }))
        })
        .await?;
    Ok(Json(body))
}
