//! Small-cell suppression for aggregates shown to investors and other aggregate-only roles.
//!
//! A two-way table of counts is published with its row totals, column totals and grand total.
//! Every count under [`MIN_CELL`] (0 included) is suppressed (primary suppression). Then more
//! cells are suppressed (secondary suppression) until no suppressed cell can be worked back out
//! from the published cells and totals:
//!
//! Treat the table with its margins as an (r+1)×(c+1) array in which every line sums to its
//! total. Suppressed cells are the unknowns; they form a bipartite graph between lines (rows and
//! columns) and a suppressed cell is exactly determined by the line equations if and only if it
//! is a bridge of that graph. So we suppress until (a) no line has exactly one suppressed entry,
//! (b) no suppressed cell is a bridge, and (c) in every line whose total is published, the
//! suppressed cells add up to at least [`MIN_CELL`] (otherwise a small remainder, e.g. 0, would
//! pin them down through non-negativity).

use serde::Serialize;

/// Counts under this are never shown.
pub const MIN_CELL: u64 = 5;

/// One published cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Cell {
    Shown(u64),
    /// Under [`MIN_CELL`]; shown as "<5".
    Small,
    /// Hidden so that a small cell cannot be derived; shown as "x".
    Hidden,
}

impl Cell {
    pub fn is_shown(self) -> bool {
        matches!(self, Self::Shown(_))
    }

    /// How the cell reads in a table.
    pub fn display(self) -> String {
        match self {
            Self::Shown(n) => n.to_string(),
            Self::Small => format!("<{MIN_CELL}"),
            Self::Hidden => "x".to_owned(),
        }
    }
}

/// A table of counts with margins, after suppression. `cells[i][j]`, `row_totals[i]`,
/// `column_totals[j]`, `total`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuppressedTable {
    pub cells: Vec<Vec<Cell>>,
    pub row_totals: Vec<Cell>,
    pub column_totals: Vec<Cell>,
    pub total: Cell,
}

/// The (r+1)×(c+1) array with margins, and which entries are suppressed.
struct Extended {
    values: Vec<Vec<u64>>,
    hidden: Vec<Vec<bool>>,
}

impl Extended {
    fn new(counts: &[Vec<u64>], columns: usize) -> Self {
        let rows = counts.len();
        let mut values = vec![vec![0u64; columns + 1]; rows + 1];
        for (i, row) in counts.iter().enumerate() {
            for j in 0..columns {
                let v = row.get(j).copied().unwrap_or(0);
                values[i][j] = v;
                values[i][columns] += v;
                values[rows][j] += v;
                values[rows][columns] += v;
            }
        }
        let hidden = values
            .iter()
            .map(|row| row.iter().map(|v| *v < MIN_CELL).collect())
            .collect();
        Self { values, hidden }
    }

    fn rows(&self) -> usize {
        self.values.len()
    }

    fn cols(&self) -> usize {
        self.values.first().map_or(0, Vec::len)
    }

    /// Entries of line `k` (rows first, then columns), with the total's position last.
    fn line(&self, k: usize) -> Vec<(usize, usize)> {
        let (r, c) = (self.rows(), self.cols());
        if k < r {
            (0..c).map(|j| (k, j)).collect()
        } else {
            (0..r).map(|i| (i, k - r)).collect()
        }
    }

    /// Hides the smallest published entry among `candidates`; false when there is none.
    fn hide_smallest(&mut self, candidates: impl IntoIterator<Item = (usize, usize)>) -> bool {
        let best = candidates
            .into_iter()
            .filter(|(i, j)| !self.hidden[*i][*j])
            .min_by_key(|(i, j)| (self.values[*i][*j], *i, *j));
        match best {
            Some((i, j)) => {
                self.hidden[i][j] = true;
                true
            }
            None => false,
        }
    }

    /// Rule (a) and (c) for one line; true when it hid something.
    fn fix_line(&mut self, k: usize) -> bool {
        let line = self.line(k);
        let hidden: Vec<_> = line.iter().filter(|(i, j)| self.hidden[*i][*j]).collect();
        if hidden.is_empty() {
            return false;
        }
        let total_pos = line[line.len() - 1];
        let total_published = !self.hidden[total_pos.0][total_pos.1];
        let hidden_sum: u64 = hidden.iter().map(|(i, j)| self.values[*i][*j]).sum();
        let needs_more = hidden.len() == 1 || (total_published && hidden_sum < MIN_CELL);
        needs_more && self.hide_smallest(line)
    }

    /// Rule (b): finds a bridge and hides a cell that closes a cycle through it.
    fn fix_one_bridge(&mut self) -> bool {
        let (r, c) = (self.rows(), self.cols());
        let edges: Vec<(usize, usize)> = (0..r)
            .flat_map(|i| (0..c).map(move |j| (i, j)))
            .filter(|(i, j)| self.hidden[*i][*j])
            .collect();
        for &(bi, bj) in &edges {
            // Components of the line graph without this edge, by flood fill from row bi.
            let mut seen_rows = vec![false; r];
            let mut seen_cols = vec![false; c];
            let mut stack = vec![(true, bi)];
            seen_rows[bi] = true;
            while let Some((is_row, n)) = stack.pop() {
                for &(i, j) in &edges {
                    if (i, j) == (bi, bj) {
                        continue;
                    }
                    if is_row && i == n && !seen_cols[j] {
                        seen_cols[j] = true;
                        stack.push((false, j));
                    } else if !is_row && j == n && !seen_rows[i] {
                        seen_rows[i] = true;
                        stack.push((true, i));
                    }
                }
            }
            if seen_cols[bj] {
                continue; // on a cycle: not determined
            }
            // Bridge: hide the smallest published cell joining the two sides.
            let candidates: Vec<_> = (0..r)
                .flat_map(|i| (0..c).map(move |j| (i, j)))
                .filter(|(i, j)| seen_rows[*i] != seen_cols[*j])
                .filter(|(i, j)| (*i, *j) != (bi, bj))
                .collect();
            if self.hide_smallest(candidates) {
                return true;
            }
        }
        false
    }

    fn run(&mut self) {
        let lines = self.rows() + self.cols();
        loop {
            let mut changed = false;
            for k in 0..lines {
                changed |= self.fix_line(k);
            }
            if !changed {
                changed = self.fix_one_bridge();
            }
            if !changed {
                return;
            }
        }
    }

    fn cell(&self, i: usize, j: usize) -> Cell {
        let v = self.values[i][j];
        match (self.hidden[i][j], v < MIN_CELL) {
            (false, _) => Cell::Shown(v),
            (true, true) => Cell::Small,
            (true, false) => Cell::Hidden,
        }
    }
}

/// Suppresses a table of counts (`counts[row][column]`, ragged rows padded with 0).
pub fn suppress(counts: &[Vec<u64>]) -> SuppressedTable {
    let columns = counts.iter().map(Vec::len).max().unwrap_or(0);
    let mut ext = Extended::new(counts, columns);
    ext.run();
    let rows = counts.len();
    SuppressedTable {
        cells: (0..rows)
            .map(|i| (0..columns).map(|j| ext.cell(i, j)).collect())
            .collect(),
        row_totals: (0..rows).map(|i| ext.cell(i, columns)).collect(),
        column_totals: (0..columns).map(|j| ext.cell(rows, j)).collect(),
        total: ext.cell(rows, columns),
    }
}

/// A single published count (no margins to protect): under [`MIN_CELL`] is suppressed.
pub fn suppress_count(n: u64) -> Cell {
    if n < MIN_CELL {
        Cell::Small
    } else {
        Cell::Shown(n)
    }
}

#[cfg(test)]
mod tests;
