use effekt_app::views::{ChartView, SeriesView};

use super::*;

fn chart(series: Vec<SeriesView>, labels: &[&str]) -> ChartView {
    ChartView {
        id: "c1".into(),
        title: "Utbetalinger <script>".into(),
        description: "Søyler & linjer".into(),
        unit: "kr".into(),
        x_title: "Periode".into(),
        x_labels: labels.iter().map(|l| (*l).to_owned()).collect(),
        x_days: None,
        series,
        limits: vec![("Tak for kontrakten".into(), 6_000_000.0)],
    }
}

fn s(name: &str, style: &str, values: &[Option<f64>]) -> SeriesView {
    SeriesView {
        name: name.into(),
        style: style.into(),
        values: values.to_vec(),
    }
}

#[test]
fn a_hidden_point_is_a_gap_in_the_line_and_a_dash_in_the_table() {
    let c = chart(
        vec![
            s(
                "Beløp",
                "bars",
                &[Some(1_000_000.0), None, Some(2_500_000.0)],
            ),
            s("Sum", "line", &[Some(1_000_000.0), None, Some(3_500_000.0)]),
        ],
        &["1. kvartal 2026", "2. kvartal 2026", "3. kvartal 2026"],
    );
    let html = render(&c).unwrap();
    // Two bars only, and the line broken into two runs (two moves, no line segment).
    assert_eq!(html.matches("<title>Beløp, ").count(), 2, "{html}");
    let path = html.split("<path d=\"").nth(1).unwrap();
    let d = &path[..path.find('"').unwrap()];
    assert_eq!(d.matches('M').count(), 2, "{d}");
    assert!(!d.contains('L'), "{d}");
    // The table holds the numbers drawn, the hidden one as a dash.
    assert!(
        html.contains("<td class=\"num\">kr\u{a0}1\u{a0}000\u{a0}000</td>"),
        "{html}"
    );
    assert!(html.contains("<td class=\"num\">–</td>"));
    assert!(html.contains("Tak for kontrakten: kr\u{a0}6\u{a0}000\u{a0}000"));
    // Axis in millions; text escaped everywhere.
    assert!(html.contains(">6 mill.<"), "{html}");
    assert!(!html.contains("<script>"));
    assert!(
        html.contains("Utbetalinger &#60;script&#62;")
            || html.contains("Utbetalinger &lt;script&gt;")
    );
    assert!(html.contains("aria-labelledby=\"c1-title c1-desc\""));
}

#[test]
fn a_step_line_moves_across_then_up_and_a_projection_keeps_its_colour() {
    let mut c = chart(
        vec![
            s("Innbetalt", "step", &[Some(100.0), Some(300.0), None]),
            s(
                "Innbetalt, anslag",
                "step_dashed",
                &[None, Some(300.0), Some(600.0)],
            ),
            s("Mottatt", "step", &[Some(0.0), Some(50.0), None]),
        ],
        &["01.01.2025", "01.07.2025", "01.01.2027"],
    );
    c.limits.clear();
    c.x_days = Some(vec![0, 181, 730]);
    let html = render(&c).unwrap();
    let paths: Vec<&str> = html
        .split("<path d=\"")
        .skip(1)
        .map(|p| &p[..p.find("/>").unwrap()])
        .collect();
    assert_eq!(paths.len(), 3);
    // M x0 y0 L x1 y0 L x1 y1: the level holds until the next flow's date.
    let d = &paths[0][..paths[0].find('"').unwrap()];
    let coords: Vec<&str> = d
        .split(['M', 'L'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    assert_eq!(coords.len(), 3, "{d}");
    assert_eq!(coords[0].split(' ').nth(1), coords[1].split(' ').nth(1));
    assert_eq!(coords[1].split(' ').next(), coords[2].split(' ').next());
    // Points spaced by date: 181 of 730 days in, and the projection ends at the right edge.
    assert!(coords[1].starts_with("245.8 "), "{d}");
    assert!(paths[1].contains(" L700.0 "), "{}", paths[1]);
    // The projection is dashed in its actual series' colour; the next series has its own.
    let colour = |p: &str| p.split("stroke=\"").nth(1).unwrap()[..7].to_owned();
    assert_eq!(colour(paths[0]), colour(paths[1]));
    assert!(paths[1].contains("stroke-dasharray"));
    assert_ne!(colour(paths[0]), colour(paths[2]));
}

#[test]
fn values_read_the_norwegian_way() {
    assert_eq!(value_nb("kr", 1_234_567.4), "kr\u{a0}1\u{a0}234\u{a0}567");
    assert_eq!(value_nb("kr", -2500.0), "kr\u{a0}−2\u{a0}500");
    assert_eq!(value_nb("prosent", -68.63), "−68,6\u{a0}%");
    assert_eq!(value_nb("antall", 17.0), "17");
    assert_eq!(tick_nb("kr", 12_500_000.0), "12,5 mill.");
    assert_eq!(tick_nb("kr", 250_000.0), "kr\u{a0}250\u{a0}000");
    assert_eq!(nice_step(6_000_000.0), 2_000_000.0);
    assert_eq!(nice_step(12.0), 2.5);
}

#[test]
fn labels_under_a_time_axis_never_crowd_and_the_last_date_is_shown() {
    let days = [0, 30, 60, 260, 270, 280, 500, 700, 730];
    let labels: Vec<String> = days.iter().map(|d| format!("dag {d}")).collect();
    let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
    let values: Vec<Option<f64>> = days.iter().map(|d| Some(*d as f64)).collect();
    let mut c = chart(vec![s("Innbetalt", "step", &values)], &label_refs);
    c.x_days = Some(days.to_vec());
    let html = render(&c).unwrap();
    let ticks: Vec<(f64, &str)> = html
        .match_indices("<text x=\"")
        .filter_map(|(i, _)| {
            let rest = &html[i + 9..];
            let x: f64 = rest[..rest.find('"')?].parse().ok()?;
            let label = rest.split('>').nth(1)?.split('<').next()?;
            label.starts_with("dag ").then_some((x, label))
        })
        .collect();
    assert_eq!(ticks.first().map(|t| t.1), Some("dag 0"));
    assert_eq!(ticks.last().map(|t| t.1), Some("dag 730"), "{ticks:?}");
    for pair in ticks.windows(2) {
        assert!(pair[1].0 - pair[0].0 >= 96.0, "{ticks:?}");
    }
}
