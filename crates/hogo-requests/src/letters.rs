//! Japanese letters rendered from templates as text and HTML: 回答書, 不開示・一部開示の
//! 通知 (with reasons, Art. 37②/38③), 訂正等の通知 (with what changed, Art. 39),
//! 利用停止等の通知 (Art. 41②) and the notice that the answer comes in writing because
//! electronic delivery was difficult (APPI 33条1項・3項).
//!
//! Templates use `{{name}}` placeholders. In HTML every value is escaped
//! ([`escape_html`]) before it is put in: requester-supplied text never becomes markup.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::decision::{
    Decision, DisclosureDecision, Finding, Measure, PurposeNotificationDecision, SuspensionDecision,
};
use crate::kind::KindFamily;
use crate::published::Organisation;
use crate::request::Request;

/// Which letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// 回答書 (covering letter for the whole request).
    ResponseLetter,
    /// 不開示・一部開示の通知.
    NonDisclosureNotice,
    /// 訂正等の通知.
    CorrectionNotice,
    /// 利用停止等の通知.
    SuspensionNotice,
    /// 書面による回答の通知 (electronic delivery difficult).
    WritingInsteadNotice,
}

/// A rendered letter (a `Notice`; the covering one is the `ResponseLetter`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Which letter.
    pub kind: NoticeKind,
    /// The title.
    pub title: String,
    /// Plain text.
    pub text: String,
    /// HTML (values escaped).
    pub html: String,
}

/// Escapes text for HTML element content and attribute values.
///
/// ```
/// assert_eq!(hogo_requests::letters::escape_html("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
/// ```
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Fills `{{name}}` placeholders. With `html`, values are escaped and newlines become
/// `<br>`. Unknown placeholders are left as they are.
pub fn fill(template: &str, vars: &[(&str, String)], html: bool) -> String {
    let mut out = template.to_owned();
    for (k, v) in vars {
        let value = if html { escape_html(v).replace('\n', "<br>\n") } else { v.clone() };
        out = out.replace(&format!("{{{{{k}}}}}"), &value);
    }
    out
}

const TEXT_HEAD: &str =
    "{{date}}\n\n{{requester}} 様\n\n{{org_name}}\n{{org_address}}\n\n{{title}}\n\n";
const HTML_HEAD: &str = "<article class=\"hogo-letter\">\n<p class=\"date\">{{date}}</p>\n<p class=\"to\">{{requester}} 様</p>\n<p class=\"from\">{{org_name}}<br>\n{{org_address}}</p>\n<h1>{{title}}</h1>\n";
const HTML_TAIL: &str = "</article>\n";

const RESPONSE_TEXT: &str = "{{received_on}}に受け付けましたご請求（{{kinds}}）について、下記のとおり回答いたします。\n\n記\n\n{{results}}\n\n回答方法：{{method}}\n\n以上\n";
const RESPONSE_HTML: &str = "<p>{{received_on}}に受け付けましたご請求（{{kinds}}）について、下記のとおり回答いたします。</p>\n<p class=\"ki\">記</p>\n<p>{{results}}</p>\n<p>回答方法：{{method}}</p>\n<p class=\"ijo\">以上</p>\n";

const NON_DISCLOSURE_TEXT: &str = "{{received_on}}に受け付けました開示のご請求について、下記のとおり{{outcome}}と決定しましたので通知いたします。\n\n記\n\n開示しない部分：{{withheld}}\n理由（根拠条文及び判断の基準となる事実）：\n{{reasons}}\n\n以上\n";
const NON_DISCLOSURE_HTML: &str = "<p>{{received_on}}に受け付けました開示のご請求について、下記のとおり{{outcome}}と決定しましたので通知いたします。</p>\n<p class=\"ki\">記</p>\n<p>開示しない部分：{{withheld}}</p>\n<p>理由（根拠条文及び判断の基準となる事実）：<br>\n{{reasons}}</p>\n<p class=\"ijo\">以上</p>\n";

const CORRECTION_TEXT: &str = "{{received_on}}に受け付けました{{kind}}のご請求について、必要な調査を行った結果、下記のとおり通知いたします。\n\n記\n\n{{outcome}}\n{{details}}\n\n以上\n";
const CORRECTION_HTML: &str = "<p>{{received_on}}に受け付けました{{kind}}のご請求について、必要な調査を行った結果、下記のとおり通知いたします。</p>\n<p class=\"ki\">記</p>\n<p>{{outcome}}</p>\n<p>{{details}}</p>\n<p class=\"ijo\">以上</p>\n";

const SUSPENSION_TEXT: &str = "{{received_on}}に受け付けました{{kind}}のご請求について、下記のとおり通知いたします。\n\n記\n\n{{outcome}}\n{{details}}\n\n以上\n";
const SUSPENSION_HTML: &str = "<p>{{received_on}}に受け付けました{{kind}}のご請求について、下記のとおり通知いたします。</p>\n<p class=\"ki\">記</p>\n<p>{{outcome}}</p>\n<p>{{details}}</p>\n<p class=\"ijo\">以上</p>\n";

const WRITING_TEXT: &str = "ご指定の方法（{{chosen}}）による回答が困難であるため、書面により回答いたします（個人情報保護法33条1項・3項）。\n\n理由：{{reason}}\n";
const WRITING_HTML: &str = "<p>ご指定の方法（{{chosen}}）による回答が困難であるため、書面により回答いたします（個人情報保護法33条1項・3項）。</p>\n<p>理由：{{reason}}</p>\n";

fn render(
    kind: NoticeKind,
    title: &str,
    body_text: &str,
    body_html: &str,
    vars: &[(&str, String)],
) -> Notice {
    let mut all: Vec<(&str, String)> = vars.to_vec();
    all.push(("title", title.to_owned()));
    let text = fill(&format!("{TEXT_HEAD}{body_text}"), &all, false);
    let html = fill(&format!("{HTML_HEAD}{body_html}{HTML_TAIL}"), &all, true);
    Notice { kind, title: title.to_owned(), text, html }
}

fn date_ja(d: NaiveDate) -> String {
    d.format("%Y年%m月%d日").to_string()
}

fn reasons(decision: &Decision, mn: bool) -> String {
    decision
        .grounds(mn)
        .iter()
        .map(|(art, facts)| format!("・{art}：{facts}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn result_line(kind_label: &str, d: &Decision) -> String {
    let s = match d {
        Decision::Disclosure(DisclosureDecision::Full) => "全部を開示します（同封・添付のとおり）",
        Decision::Disclosure(DisclosureDecision::Partial(_)) => {
            "一部を開示します（別紙通知のとおり）"
        }
        Decision::Disclosure(DisclosureDecision::Refused(_)) => "開示しません（別紙通知のとおり）",
        Decision::Disclosure(DisclosureDecision::NotHeld { .. }) => {
            "ご請求の個人データは保有していません"
        }
        Decision::PurposeNotification(PurposeNotificationDecision::Notified { .. }) => {
            "利用目的を下記のとおり通知します"
        }
        Decision::PurposeNotification(PurposeNotificationDecision::Refused { .. }) => {
            "利用目的を通知しません（理由は下記のとおり）"
        }
        Decision::Correction(Finding::Untrue { .. }) => "訂正等を行いました（別紙通知のとおり）",
        Decision::Correction(Finding::NotCorrected { .. }) => {
            "訂正等を行いません（別紙通知のとおり）"
        }
        Decision::Suspension(SuspensionDecision::Granted {
            measure: Measure::AsRequested, ..
        }) => "ご請求のとおり措置しました（別紙通知のとおり）",
        Decision::Suspension(SuspensionDecision::Granted { .. }) => {
            "代わるべき措置をとりました（別紙通知のとおり）"
        }
        Decision::Suspension(SuspensionDecision::Rejected { .. }) => {
            "措置を行いません（別紙通知のとおり）"
        }
    };
    format!("・{kind_label}：{s}")
}

/// Renders every letter for an answered or decided request: the 回答書, one notice per
/// partial/refused disclosure, per 訂正等, per 利用停止等, and the writing-instead notice
/// when the response fell back to writing.
pub fn render_letters(request: &Request, org: &Organisation, date: NaiveDate) -> Vec<Notice> {
    let mn = request.concerns_my_number;
    let base: Vec<(&str, String)> = vec![
        ("date", date_ja(date)),
        ("requester", request.requester_label()),
        ("org_name", org.name.clone()),
        ("org_address", org.address.clone()),
        ("received_on", date_ja(request.received_on)),
    ];
    let kinds = request.items.iter().map(|i| i.kind.label_ja()).collect::<Vec<_>>().join("・");
    let mut results = Vec::new();
    let mut notices = Vec::new();
    for item in &request.items {
        let Some(d) = &item.decision else { continue };
        results.push(result_line(item.kind.label_ja(), d));
        if let Decision::PurposeNotification(p) = d {
            match p {
                PurposeNotificationDecision::Notified { purposes } => {
                    results.extend(purposes.iter().map(|p| format!("　　{p}")));
                }
                PurposeNotificationDecision::Refused { .. } => results.push(reasons(d, mn)),
            }
        }
        if let Decision::Disclosure(DisclosureDecision::NotHeld { .. }) = d {
            results.push(reasons(d, mn));
        }
        let mut vars = base.clone();
        vars.push(("kind", item.kind.label_ja().to_owned()));
        match (item.kind.family(), d) {
            (
                KindFamily::Disclosure,
                Decision::Disclosure(
                    DisclosureDecision::Partial(nd) | DisclosureDecision::Refused(nd),
                ),
            ) => {
                let outcome = if matches!(d, Decision::Disclosure(DisclosureDecision::Partial(_))) {
                    "一部開示"
                } else {
                    "不開示"
                };
                vars.push(("outcome", outcome.to_owned()));
                vars.push(("withheld", nd.withheld.clone()));
                vars.push(("reasons", reasons(d, mn)));
                notices.push(render(
                    NoticeKind::NonDisclosureNotice,
                    &format!("{}決定通知書", outcome),
                    NON_DISCLOSURE_TEXT,
                    NON_DISCLOSURE_HTML,
                    &vars,
                ));
            }
            (KindFamily::Correction, Decision::Correction(f)) => {
                let (outcome, details) = match f {
                    Finding::Untrue { changes } => (
                        "下記のとおり訂正等を行いました。".to_owned(),
                        changes.iter().map(|c| format!("・{}：「{}」を「{}」に変更", c.item, c.before, c.after)).collect::<Vec<_>>().join("\n"),
                    ),
                    Finding::NotCorrected { .. } => (
                        "訂正等を行わないことと決定しました。判断の根拠及びその根拠となる事実は次のとおりです。".to_owned(),
                        reasons(d, mn),
                    ),
                };
                vars.push(("outcome", outcome));
                vars.push(("details", details));
                notices.push(render(
                    NoticeKind::CorrectionNotice,
                    "訂正等の結果通知書",
                    CORRECTION_TEXT,
                    CORRECTION_HTML,
                    &vars,
                ));
            }
            (KindFamily::Suspension, Decision::Suspension(sd)) => {
                let outcome = match sd {
                    SuspensionDecision::Granted { measure: Measure::AsRequested, .. } => {
                        format!("ご請求のとおり{}を行いました。", item.kind.label_ja())
                    }
                    SuspensionDecision::Granted { .. } => {
                        "ご請求の措置に代えて、下記の措置をとりました。".to_owned()
                    }
                    SuspensionDecision::Rejected { .. } => format!(
                        "{}を行わないことと決定しました。判断の根拠及びその根拠となる事実は次のとおりです。",
                        item.kind.label_ja()
                    ),
                };
                vars.push(("outcome", outcome));
                vars.push(("details", reasons(d, mn)));
                notices.push(render(
                    NoticeKind::SuspensionNotice,
                    "利用停止等の結果通知書",
                    SUSPENSION_TEXT,
                    SUSPENSION_HTML,
                    &vars,
                ));
            }
            _ => {}
        }
    }
    let method = request
        .response
        .as_ref()
        .map_or_else(|| request.form.answer_method.label_ja(), |r| r.method.label_ja());
    let mut vars = base.clone();
    vars.push(("kinds", kinds));
    vars.push(("results", results.join("\n")));
    vars.push(("method", method.to_owned()));
    let mut out =
        vec![render(NoticeKind::ResponseLetter, "回答書", RESPONSE_TEXT, RESPONSE_HTML, &vars)];
    out.extend(notices);
    if let Some(r) = &request.response
        && let Some(reason) = &r.in_writing_because
    {
        let mut vars = base;
        vars.push(("chosen", request.form.answer_method.label_ja().to_owned()));
        vars.push(("reason", reason.clone()));
        out.push(render(
            NoticeKind::WritingInsteadNotice,
            "書面による回答のお知らせ",
            WRITING_TEXT,
            WRITING_HTML,
            &vars,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P7: values are escaped in HTML but not in text.
    #[test]
    fn html_values_are_escaped_text_values_are_not() {
        let vars = [("x", "<script>alert('x')</script>".to_owned())];
        let html = fill("<p>{{x}}</p>", &vars, true);
        assert_eq!(html, "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>");
        assert_eq!(fill("{{x}}", &vars, false), "<script>alert('x')</script>");
    }
}
