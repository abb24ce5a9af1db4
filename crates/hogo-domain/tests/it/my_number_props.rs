//! Property tests of the My Number rules (M7, invariant 1).

use hogo_domain::MyNumber;
use hogo_domain::my_number::{check_digit, find_my_number_like, is_valid_digits};
use hogo_domain::testkit::synthetic_number;
use proptest::prelude::*;

fn weighted_remainder(first11: &[u8; 11]) -> u32 {
    const W: [u32; 11] = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
    first11.iter().zip(W).map(|(&d, w)| u32::from(d) * w).sum::<u32>() % 11
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// M7 (総務省令第85号 第5条): every 11-digit prefix has exactly one valid check digit.
    #[test]
    fn every_prefix_has_exactly_one_check_digit(first in proptest::array::uniform11(0u8..10)) {
        let valid: Vec<u8> = (0..10u8)
            .filter(|&c| {
                let mut all = [0u8; 12];
                all[..11].copy_from_slice(&first);
                all[11] = c;
                is_valid_digits(&all)
            })
            .collect();
        prop_assert_eq!(valid, vec![check_digit(&first)]);
    }

    /// M7: a change of one digit in the first eleven is detected, except exactly when it
    /// moves the weighted sum's remainder between 0 and 1 (both give check digit 0).
    #[test]
    fn single_digit_errors_are_detected_except_remainder_0_1_swap(
        first in proptest::array::uniform11(0u8..10),
        pos in 0usize..11,
        new_digit in 0u8..10,
    ) {
        prop_assume!(first[pos] != new_digit);
        let mut changed = first;
        changed[pos] = new_digit;
        let mut typo = [0u8; 12];
        typo[..11].copy_from_slice(&changed);
        typo[11] = check_digit(&first);
        let (r_old, r_new) = (weighted_remainder(&first), weighted_remainder(&changed));
        let exception = r_old <= 1 && r_new <= 1;
        prop_assert_eq!(is_valid_digits(&typo), exception);
    }

    /// M7: a change of the check digit itself is always detected.
    #[test]
    fn a_wrong_check_digit_is_detected(first in proptest::array::uniform11(0u8..10), c in 0u8..10) {
        prop_assume!(c != check_digit(&first));
        let mut all = [0u8; 12];
        all[..11].copy_from_slice(&first);
        all[11] = c;
        prop_assert!(!is_valid_digits(&all));
    }

    /// Invariant 1: parsing arbitrary text never panics, and an error never echoes a
    /// 12-digit run of the input.
    #[test]
    fn parsing_arbitrary_text_never_panics(text in ".{0,40}") {
        if let Err(e) = MyNumber::parse(&text) {
            prop_assert!(find_my_number_like(&e.to_string()).is_none());
        }
    }

    /// Invariant 1: `Debug` and `Display` of any number contain no run of its digits
    /// (no 4 consecutive digits of it, and no digit at all in fact).
    #[test]
    fn debug_and_display_show_no_digit(seed in any::<u64>()) {
        let n = synthetic_number(seed);
        for shown in [format!("{n:?}"), format!("{n}"), format!("{n:#?}")] {
            prop_assert!(!shown.chars().any(|c| c.is_ascii_digit()), "{}", shown);
            for w in n.expose().as_bytes().windows(4) {
                prop_assert!(!shown.contains(std::str::from_utf8(w).unwrap()));
            }
        }
    }

    /// Invariant 1 / M5: the leak scan finds every synthetic number in any surrounding
    /// text that does not touch it with digits, grouped or not.
    #[test]
    fn scan_finds_every_number_in_text(seed in any::<u64>(), pre in "[a-zあ-ん ]{0,8}", post in "[a-zあ-ん ]{0,8}", grouped in any::<bool>()) {
        let n = synthetic_number(seed);
        let d = n.expose();
        let shown = if grouped { format!("{}-{}-{}", &d[..4], &d[4..8], &d[8..]) } else { d.to_owned() };
        let text = format!("{pre}{shown}{post}");
        prop_assert!(find_my_number_like(&text).is_some());
    }

    /// Invariant 1: a valid 13-digit corporate number is never taken for a My Number.
    #[test]
    fn corporate_numbers_are_not_hits(base in proptest::array::uniform12(0u8..10)) {
        let c = hogo_domain::corporate_number::corporate_check_digit(&base);
        prop_assume!(c != 0);
        let text: String = std::iter::once(c).chain(base).map(|d| char::from(b'0' + d)).collect();
        prop_assert!(hogo_domain::CorporateNumber::parse(&text).is_ok());
        prop_assert!(find_my_number_like(&text).is_none());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Invariant 1: whatever `MyNumber::parse` accepts, the leak scan (and the ledger's
    /// free-text refusal) finds — digits in any NFKC form, any separators.
    #[test]
    fn parse_success_implies_scan_hit(seed in any::<u64>(), styles in proptest::collection::vec(0u8..6, 12), seps in proptest::collection::vec(0u8..7, 12)) {
        let n = synthetic_number(seed);
        let mut text = String::new();
        for (i, d) in n.expose().bytes().map(|b| u32::from(b - b'0')).enumerate() {
            let c = match styles[i] {
                0 => char::from_digit(d, 10).unwrap(),
                1 => char::from_u32('０' as u32 + d).unwrap(),
                2 => char::from_u32(0x1D7CE + d).unwrap(), // 𝟎..
                3 => char::from_u32(0x1D7D8 + d).unwrap(), // 𝟘..
                4 => if d == 0 { '⓪' } else { char::from_u32('①' as u32 + d - 1).unwrap() },
                _ => char::from_u32(0x1D7F6 + d).unwrap(), // 𝟶..
            };
            text.push(c);
            if i < 11 {
                match seps[i] {
                    1 => text.push(' '),
                    2 => text.push('\t'),
                    3 => text.push_str("  "),
                    4 => text.push('-'),
                    5 => text.push('\u{3000}'),
                    6 => text.push('\n'),
                    _ => {}
                }
            }
        }
        prop_assert!(MyNumber::parse(&text).is_ok(), "{:?}", text.escape_unicode().to_string());
        prop_assert!(find_my_number_like(&text).is_some());
    }
}
