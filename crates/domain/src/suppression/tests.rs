use proptest::prelude::*;

use super::*;

/// Entries of the (r+1)×(c+1) array with margins, row-major, and the published values.
fn extended(t: &SuppressedTable) -> Vec<Vec<Cell>> {
    let mut rows: Vec<Vec<Cell>> = t
        .cells
        .iter()
        .zip(&t.row_totals)
        .map(|(row, total)| {
            let mut r = row.clone();
            r.push(*total);
            r
        })
        .collect();
    let mut last = t.column_totals.clone();
    last.push(t.total);
    rows.push(last);
    rows
}

fn rank(mut m: Vec<Vec<f64>>) -> usize {
    let cols = m.first().map_or(0, Vec::len);
    let mut rank = 0;
    for c in 0..cols {
        let Some(p) = (rank..m.len()).find(|r| m[*r][c].abs() > 1e-9) else {
            continue;
        };
        m.swap(rank, p);
        for r in 0..m.len() {
            if r != rank && m[r][c].abs() > 1e-9 {
                let f = m[r][c] / m[rank][c];
                let pivot = m[rank].clone();
                for (x, p) in m[r].iter_mut().zip(&pivot) {
                    *x -= f * p;
                }
            }
        }
        rank += 1;
    }
    rank
}

/// Independent oracle: linear algebra over the line equations (sum of a line's cells minus its
/// total is 0), restricted to the hidden entries. A hidden entry is exactly derivable when
/// removing its column lowers the rank.
fn derivable_cells(t: &SuppressedTable) -> Vec<(usize, usize)> {
    let ext = extended(t);
    let (r, c) = (ext.len(), ext[0].len());
    let hidden: Vec<(usize, usize)> = (0..r)
        .flat_map(|i| (0..c).map(move |j| (i, j)))
        .filter(|(i, j)| !ext[*i][*j].is_shown())
        .collect();
    let coefficient = |line: usize, (i, j): (usize, usize)| -> f64 {
        if line < r {
            if i != line {
                0.0
            } else if j == c - 1 {
                -1.0
            } else {
                1.0
            }
        } else {
            let col = line - r;
            if j != col {
                0.0
            } else if i == r - 1 {
                -1.0
            } else {
                1.0
            }
        }
    };
    let matrix = |skip: Option<usize>| -> Vec<Vec<f64>> {
        (0..r + c)
            .map(|line| {
                hidden
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| Some(*k) != skip)
                    .map(|(_, e)| coefficient(line, *e))
                    .collect()
            })
            .collect()
    };
    let full = rank(matrix(None));
    hidden
        .iter()
        .enumerate()
        .filter(|(k, _)| rank(matrix(Some(*k))) < full)
        .map(|(_, e)| *e)
        .collect()
}

#[test]
fn a_single_small_cell_forces_a_second_in_its_row_and_column() {
    let t = suppress(&[vec![3, 20, 30], vec![40, 50, 60]]);
    assert_eq!(t.cells[0][0], Cell::Small);
    assert!(t.cells[0].iter().filter(|c| !c.is_shown()).count() >= 2);
    assert!(t.cells.iter().filter(|row| !row[0].is_shown()).count() >= 2);
    assert!(derivable_cells(&t).is_empty());
    assert_eq!(t.cells[1][2], Cell::Shown(60));
}

#[test]
fn a_table_without_small_cells_is_shown_whole() {
    let t = suppress(&[vec![10, 20], vec![30, 40]]);
    assert_eq!(t.total, Cell::Shown(100));
    assert_eq!(t.row_totals, vec![Cell::Shown(30), Cell::Shown(70)]);
    assert!(t.cells.iter().flatten().all(|c| c.is_shown()));
}

#[test]
fn zeros_count_as_small_and_cannot_be_read_off_a_zero_remainder() {
    // Two zeros in one row: hiding just those would reveal 0 + 0 = total − shown = 0.
    let t = suppress(&[vec![0, 0, 12], vec![7, 9, 11]]);
    let ext = extended(&t);
    let row0_hidden_sum_known = ext[0][3].is_shown();
    if row0_hidden_sum_known {
        assert!(!t.cells[0][2].is_shown(), "the 12 must be hidden too");
    }
    assert!(derivable_cells(&t).is_empty());
}

#[test]
fn display_uses_less_than_five_and_x() {
    assert_eq!(Cell::Small.display(), "<5");
    assert_eq!(Cell::Hidden.display(), "x");
    assert_eq!(Cell::Shown(12).display(), "12");
    assert_eq!(suppress_count(4), Cell::Small);
    assert_eq!(suppress_count(5), Cell::Shown(5));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_suppressed_cell_can_be_worked_back_out(
        counts in prop::collection::vec(prop::collection::vec(0u64..40, 1..5), 1..5)
    ) {
        let t = suppress(&counts);
        // Every small count (cells and margins) is suppressed.
        let columns = counts.iter().map(Vec::len).max().unwrap();
        for (i, row) in counts.iter().enumerate() {
            for j in 0..columns {
                let v = row.get(j).copied().unwrap_or(0);
                if v < MIN_CELL {
                    prop_assert_eq!(t.cells[i][j], Cell::Small);
                } else {
                    prop_assert_ne!(t.cells[i][j], Cell::Small);
                }
                if let Cell::Shown(n) = t.cells[i][j] {
                    prop_assert_eq!(n, v);
                }
            }
        }
        prop_assert_eq!(derivable_cells(&t), Vec::<(usize, usize)>::new());
        // A line with a published total never leaves its hidden cells summing under 5.
        let ext = extended(&t);
        let mut values = vec![vec![0u64; columns + 1]; counts.len() + 1];
        for (i, row) in counts.iter().enumerate() {
            for j in 0..columns {
                let v = row.get(j).copied().unwrap_or(0);
                values[i][j] = v;
                values[i][columns] += v;
                values[counts.len()][j] += v;
                values[counts.len()][columns] += v;
            }
        }
        for i in 0..ext.len() {
            let last = ext[i].len() - 1;
            let hidden: u64 = (0..last).filter(|j| !ext[i][*j].is_shown()).map(|j| values[i][j]).sum();
            let any = (0..last).any(|j| !ext[i][j].is_shown());
            if any && ext[i][last].is_shown() {
                prop_assert!(hidden >= MIN_CELL);
            }
        }
    }
}
