//! Test fixtures (feature `testkit`): the seed's 請求書 filled in for 本人 by post and for
//! a 任意代理人 with 委任状 + 印鑑証明書, and the seed organisation's published matters.
//! Every value is made up.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use hogo_domain::verification::IdentityDocument;

use crate::intake::{
    Agent, AgentKind, AnswerMethod, AuthorityEnclosure, CorrectionRequest, DocumentChoice,
    JobApplication, PersonDetails, RequestForm, Requester, Sex, SuspensionRequest,
};
use crate::kind::RequestKind;
use crate::published::Organisation;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A made-up principal.
pub fn principal() -> PersonDetails {
    PersonDetails {
        name: "山田 花子".into(),
        furigana: "ヤマダ ハナコ".into(),
        sex: Sex::Female,
        date_of_birth: date(1990, 5, 1),
        postcode: "210-0001".into(),
        address: "神奈川県川崎市川崎区本町1-1-1".into(),
        phone: "044-000-0000".into(),
        daytime_phone: Some("090-0000-0000".into()),
    }
}

/// The seed form: 本人, 開示 of everything held, answer by post, 運転免許証 copy.
pub fn seed_form_principal_by_post(form_date: NaiveDate) -> RequestForm {
    RequestForm {
        form_date,
        kinds: BTreeSet::from([RequestKind::Disclosure]),
        requester: Requester::Principal,
        principal: principal(),
        principal_identity_document: Some(DocumentChoice {
            document: IdentityDocument::DriversLicence,
            other_description: None,
        }),
        job_application: Some(JobApplication {
            around: date(2023, 10, 1),
            place: "川崎事務所".into(),
        }),
        correction: None,
        suspension: None,
        answer_method: AnswerMethod::Post,
    }
}

/// The seed form through a 任意代理人 with 委任状 (実印) + 印鑑証明書: correct a
/// qualification date and stop provision to a partner agency; answer by e-mail.
pub fn seed_form_agent(form_date: NaiveDate) -> RequestForm {
    RequestForm {
        form_date,
        kinds: BTreeSet::from([RequestKind::Correction, RequestKind::StopOfProvision]),
        requester: Requester::Agent(Box::new(Agent {
            kind: AgentKind::AppointedAgent,
            person: PersonDetails {
                name: "佐藤 一郎".into(),
                furigana: "サトウ イチロウ".into(),
                sex: Sex::Male,
                date_of_birth: date(1960, 1, 15),
                postcode: "100-0001".into(),
                address: "東京都千代田区千代田1-1".into(),
                phone: "03-0000-0000".into(),
                daytime_phone: None,
            },
            identity_document: DocumentChoice {
                document: IdentityDocument::Passport,
                other_description: None,
            },
            authority: BTreeSet::from([
                AuthorityEnclosure::PowerOfAttorney { registered_seal: true },
                AuthorityEnclosure::SealCertificate,
            ]),
        })),
        principal: principal(),
        principal_identity_document: None,
        job_application: Some(JobApplication {
            around: date(2023, 10, 1),
            place: "川崎事務所".into(),
        }),
        correction: Some(CorrectionRequest {
            content: "資格「介護福祉士」の取得日".into(),
            reason: "取得日が2019年4月1日と登録されているが、正しくは2020年3月31日".into(),
        }),
        suspension: Some(SuspensionRequest {
            reason: "業務提携先職業紹介所への提供をやめてほしい".into(),
            claimed_ground: None,
            provision_stop: None,
        }),
        answer_method: AnswerMethod::Email { address: "agent@example.jp".into() },
    }
}

/// A made-up organisation in the seed's shape.
pub fn seed_organisation() -> Organisation {
    Organisation {
        name: "一般社団法人 サンプル職業紹介".into(),
        address: "〒210-0000 神奈川県川崎市川崎区サンプル1-2-3".into(),
        representative: "代表理事 見本 太郎".into(),
        purposes: hogo_domain::Purpose::ALL.iter().map(|p| p.label_ja().to_owned()).collect(),
        request_desk: "〒210-0000 神奈川県川崎市川崎区サンプル1-2-3 個人情報開示等請求窓口".into(),
        submission: "簡易書留・特定記録郵便等、配達の記録が残る方法".into(),
        safety_measures: vec![
            "個人情報を記録した書類・媒体は施錠できるキャビネットに保管".into(),
            "個人情報を含むファイルは暗号化し、送信時はパスワードを設定".into(),
            "取扱者を特定し、アカウントで識別・認証".into(),
        ],
        complaints_desk: "個人情報取扱責任者（職業紹介責任者） 電話 044-000-0000".into(),
        identity_copy_retention: "回答後1年間".into(),
    }
}
