use effekt_domain::contract::returns::Excess;

use crate::contract::check;

/// The rate-card example (investor 910000020 commits 12,000,000) without its own investment.
fn base() -> String {
    let text = include_str!("../../../../../examples/contracts/rate-card.toml");
    let cut = text.find("[investment]").unwrap_or(text.len());
    text[..cut].to_owned()
}

fn problems(extra: &str) -> Vec<String> {
    match check(&format!("{}{extra}", base())) {
        Ok(_) => panic!("expected problems"),
        Err(p) => p
            .iter()
            .map(|p| format!("{}: {}", p.key, p.message))
            .collect(),
    }
}

#[test]
fn the_waterfall_and_drawdowns_are_read() {
    let terms = check(&format!(
        "{}\n[investment]\nreturn_cap = \"0.25\"\nexcess = \"reinvested\"\n\n[[drawdown]]\ninvestor = \"910000020\"\ndate = 2026-07-01\namount = \"2000000\"\n\n[[drawdown]]\ninvestor = \"910000020\"\ndate = 2026-01-15\namount = \"3000000\"\n",
        base()
    ))
    .unwrap();
    let inv = terms.investment.unwrap();
    assert_eq!(inv.waterfall.return_cap.to_string(), "0.25");
    assert_eq!(inv.waterfall.excess, Excess::Reinvested);
    let dates: Vec<String> = inv.drawdowns.iter().map(|d| d.date.to_string()).collect();
    assert_eq!(dates, ["2026-01-15", "2026-07-01"], "by date");
    assert_eq!(check(&base()).unwrap().investment, None);
}

#[test]
fn bad_investment_terms_are_refused_where_they_are() {
    let p = problems(
        "\n[investment]\nreturn_cap = \"-0.1\"\nexcess = \"to_investors\"\n\n[[drawdown]]\ninvestor = \"910000004\"\ndate = 2026-02-01\namount = \"100\"\n\n[[drawdown]]\ninvestor = \"910000020\"\ndate = 2031-02-01\namount = \"0\"\n\n[[drawdown]]\ninvestor = \"910000020\"\ndate = 2026-03-01\namount = \"12000001\"\n",
    );
    assert_eq!(
        p,
        [
            "investment.return_cap: the return cap is a share of the capital, never below 0",
            "investment.excess: \"to_investors\" is not to_nav or reinvested",
            "drawdown[1].investor: 910000004 is not an investor in the contract",
            "drawdown[2].date: 2031-02-01 is outside the contract (2026-01-01 to 2030-12-31)",
            "drawdown[2].amount: a drawdown of 0 draws nothing; leave it out",
            "drawdown[3].amount: brings 910000020's drawdowns to kr\u{a0}12\u{a0}000\u{a0}001,00, more than its commitment (kr\u{a0}12\u{a0}000\u{a0}000,00)",
        ]
    );
    let p =
        problems("\n[[drawdown]]\ninvestor = \"910000020\"\ndate = 2026-02-01\namount = \"100\"\n");
    assert_eq!(
        p,
        ["drawdown[1]: drawdowns need an [investment] section with the waterfall's terms"]
    );
}
