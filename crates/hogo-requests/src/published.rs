//! The published matters page (APPI 32条1項, 令10条; doc 000 §7 周知; doc 003 Art. 22,
//! 42①): name, address, representative, purposes, how to make a request, the fee and how
//! to pay it, safety measures taken, where to complain — rendered in Japanese from the
//! organisation's configuration and from the same [`RequestConfig`] the workflow
//! enforces, so the page and the fees demanded never disagree.

use serde::{Deserialize, Serialize};

use crate::config::RequestConfig;
use crate::intake::{IDENTITY_DOCUMENT_COPY_KIND, USE_LIMITATION_NOTE_JA};
use crate::kind::RequestKind;
use crate::letters::escape_html;

/// What the organisation publishes about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// 名称.
    pub name: String,
    /// 住所.
    pub address: String,
    /// 代表者の氏名.
    pub representative: String,
    /// 利用目的 (all of them, in Japanese).
    pub purposes: Vec<String>,
    /// 開示等の請求等の申出先 (address or desk).
    pub request_desk: String,
    /// How the form is sent (e.g. 簡易書留・特定記録郵便 — not the discontinued 配達記録郵便).
    pub submission: String,
    /// 安全管理のために講じた措置.
    pub safety_measures: Vec<String>,
    /// 苦情の申出先.
    pub complaints_desk: String,
    /// How long enclosed ID copies are kept (the `identity_document_copy` retention).
    pub identity_copy_retention: String,
}

/// The rendered page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedPage {
    /// Plain text.
    pub text: String,
    /// HTML (values escaped).
    pub html: String,
}

/// The fee sentence of the page, from the workflow's configuration.
pub fn fee_lines(config: &RequestConfig) -> Vec<String> {
    let mut lines: Vec<String> = config
        .fees
        .iter()
        .map(|(k, f)| {
            let methods = f.methods.iter().map(|m| m.label_ja()).collect::<Vec<_>>().join("・");
            format!(
                "{}：1回のご請求につき{}円（お支払い方法：{}）",
                k.label_ja(),
                f.amount_yen,
                methods
            )
        })
        .collect();
    let free: Vec<&str> = RequestKind::ALL
        .into_iter()
        .filter(|k| config.fees.fee(*k).is_none())
        .map(RequestKind::label_ja)
        .collect();
    lines.push(format!("{}：手数料は不要です", free.join("・")));
    lines
}

/// Renders the page.
pub fn render_published_matters(org: &Organisation, config: &RequestConfig) -> PublishedPage {
    let sections: Vec<(&str, Vec<String>)> = vec![
        ("事業者の名称・住所・代表者", vec![org.name.clone(), org.address.clone(), format!("代表者 {}", org.representative)]),
        ("個人情報の利用目的", org.purposes.clone()),
        (
            "開示等の請求等の方法",
            vec![
                format!("申出先：{}", org.request_desk),
                format!("所定の「個人情報開示等請求書」に必要事項を記入し、本人確認書類の写し（本籍地・個人番号・健康保険の記号番号等は隠してください。個人番号カードは表面のみ）を同封のうえ、{}によりお送りください。", org.submission),
                "代理人による請求の場合は、代理権を確認する書類（任意代理人は委任状、法定代理人は戸籍謄本等）と代理人の本人確認書類の写しを同封してください。".to_owned(),
                if config.require_registered_seal {
                    "任意代理人の委任状には本人の実印を押印し、印鑑証明書を添付してください。".to_owned()
                } else {
                    "委任状への実印の押印・印鑑証明書の添付は求めません。".to_owned()
                },
                "利用停止・消去・第三者提供の停止は、利用する必要がなくなった場合等にも請求できます。この場合、理由を証明する書類は不要です。".to_owned(),
                format!("受付から{}日以内を目安に、ご指定の方法（電子メール・郵便等）で回答します。電子メールによる回答が困難な場合は書面で回答し、その旨をお知らせします。", config.target_days),
            ],
        ),
        ("手数料", fee_lines(config)),
        ("安全管理のために講じた措置", org.safety_measures.clone()),
        ("苦情の申出先", vec![org.complaints_desk.clone()]),
        (
            "請求書により取得する個人情報の取扱い",
            vec![
                USE_LIMITATION_NOTE_JA.to_owned(),
                format!("同封いただいた本人確認書類の写しは、{}保管した後、廃棄します（文書の種類: {}）。", org.identity_copy_retention, IDENTITY_DOCUMENT_COPY_KIND),
            ],
        ),
    ];
    let mut text = String::from("個人情報の取扱いに関する公表事項（個人情報保護法32条）\n");
    let mut html = String::from(
        "<article class=\"hogo-published\">\n<h1>個人情報の取扱いに関する公表事項（個人情報保護法32条）</h1>\n",
    );
    for (head, lines) in sections {
        text.push_str(&format!("\n■ {head}\n"));
        html.push_str(&format!("<h2>{}</h2>\n<ul>\n", escape_html(head)));
        for l in lines {
            text.push_str(&format!("・{l}\n"));
            html.push_str(&format!("<li>{}</li>\n", escape_html(&l)));
        }
        html.push_str("</ul>\n");
    }
    html.push_str("</article>\n");
    PublishedPage { text, html }
}
