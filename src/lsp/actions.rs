//! `textDocument/codeAction`: did-you-mean fixes and accepting a finding until an expiry date.

use lsp_types as lt;
use serde_json::Value;

use crate::syntax::literal::Literal;

use super::navigation::workspace_edit;
use super::{with_file, Server};

/// How long a new acceptance lasts before the finding comes back.
const ACCEPT_FOR_DAYS: i64 = 90;

pub(super) fn code_actions(server: &mut Server, p: lt::CodeActionParams) -> super::Handled {
    let enc = server.encoding;
    let expiry = expiry(server.today);
    let found = with_file(server, &p.text_document.uri, |snap, file, lines| {
        let range = lines.offsets(p.range);
        let actions = crate::ide::actions::code_actions(snap, file, range, &expiry);
        Ok(actions
            .into_iter()
            .map(|a| {
                let diagnostic = p
                    .context
                    .diagnostics
                    .iter()
                    .find(|d| {
                        d.code == Some(lt::NumberOrString::String(a.code.to_string()))
                            && d.message.starts_with(&a.message)
                    })
                    .cloned();
                lt::CodeActionOrCommand::CodeAction(lt::CodeAction {
                    title: a.title,
                    kind: Some(if a.is_quick_fix {
                        lt::CodeActionKind::QUICKFIX
                    } else {
                        lt::CodeActionKind::new("quickfix.accept")
                    }),
                    diagnostics: diagnostic.map(|d| vec![d]),
                    edit: Some(workspace_edit(snap, enc, &a.edits)),
                    is_preferred: Some(a.is_quick_fix),
                    ..Default::default()
                })
            })
            .collect::<Vec<_>>())
    })?;
    Ok(serde_json::to_value(found.unwrap_or_default()).unwrap_or(Value::Null))
}

/// Today plus the acceptance period, as an ISO date; today is a fixed date when no clock is known.
fn expiry(today: Option<Literal>) -> String {
    let days = match today {
        Some(Literal::Date { year, month, day }) => days_from_civil(i64::from(year), i64::from(month), i64::from(day)),
        _ => 0,
    };
    match crate::cli::civil_date(days + ACCEPT_FOR_DAYS) {
        Literal::Date { year, month, day } => format!("{year:04}-{month:02}-{day:02}"),
        other => other.to_string(),
    }
}

/// Days since 1970-01-01 of a calendar date (proleptic Gregorian).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acceptances_expire_ninety_days_from_today() {
        let today = Literal::Date { year: 2026, month: 12, day: 6 };
        assert_eq!(expiry(Some(today)), "2027-03-06");
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }
}
