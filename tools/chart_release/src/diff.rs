//! A small line diff for the up-to-date check's report (chart files are a few hundred lines).

/// One line of an edit script.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// Files longer than this are reported as different without a diff (the LCS table is
/// quadratic).
const MAX_LINES: usize = 4000;

/// A unified-style diff of `old` and `new` with `context` unchanged lines around each
/// change, at most `limit` lines of output.
pub fn unified(old: &str, new: &str, context: usize, limit: usize) -> String {
    let (old_lines, new_lines): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    if old_lines.len() > MAX_LINES || new_lines.len() > MAX_LINES {
        return format!("(files of {} and {} lines differ; too long to show)\n", old_lines.len(), new_lines.len());
    }
    let ops = edit_script(&old_lines, &new_lines);
    let mut out = Vec::new();
    let (mut old_no, mut new_no, mut last_shown) = (1, 1, None);
    for (i, op) in ops.iter().enumerate() {
        if near_change(&ops, i, context) {
            if last_shown.is_none_or(|last| last + 1 != i) {
                out.push(format!("@@ -{old_no} +{new_no} @@"));
            }
            last_shown = Some(i);
            out.push(match op {
                Op::Same(line) => format!(" {line}"),
                Op::Removed(line) => format!("-{line}"),
                Op::Added(line) => format!("+{line}"),
            });
        }
        match op {
            Op::Same(_) => (old_no, new_no) = (old_no + 1, new_no + 1),
            Op::Removed(_) => old_no += 1,
            Op::Added(_) => new_no += 1,
        }
    }
    if out.len() > limit {
        let hidden = out.len() - limit;
        out.truncate(limit);
        out.push(format!("... ({hidden} more lines of diff)"));
    }
    out.iter().map(|l| format!("{l}\n")).collect()
}

fn near_change(ops: &[Op], i: usize, context: usize) -> bool {
    let from = i.saturating_sub(context);
    let to = (i + context + 1).min(ops.len());
    ops[from..to].iter().any(|op| !matches!(op, Op::Same(_)))
}

/// The shortest edit script by longest common subsequence.
fn edit_script<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<Op<'a>> {
    let (n, m) = (old.len(), new.len());
    // lcs[i][j]: length of the LCS of old[i..] and new[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old[i] == new[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut ops) = (0, 0, Vec::with_capacity(n + m));
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            ops.push(Op::Same(old[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            // Removals before additions, as diff(1) shows a changed line.
            ops.push(Op::Removed(old[i]));
            i += 1;
        } else {
            ops.push(Op::Added(new[j]));
            j += 1;
        }
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::unified;

    #[test]
    fn shows_changes_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\n";
        let new = "a\nb\nC\nd\ne\nf\ng\nh\n";
        assert_eq!(unified(old, new, 1, 100), "@@ -2 +2 @@\n b\n-c\n+C\n d\n@@ -7 +7 @@\n g\n+h\n");
    }

    #[test]
    fn separate_changes_get_separate_hunks_with_their_line_numbers() {
        assert_eq!(unified("a\nb\nc\n", "A\nb\nC\n", 0, 100), "@@ -1 +1 @@\n-a\n+A\n@@ -3 +3 @@\n-c\n+C\n");
        assert_eq!(unified("a\nb\nc\n", "A\nb\nC\n", 1, 100), "@@ -1 +1 @@\n-a\n+A\n b\n-c\n+C\n");
        // An added line moves the new side's numbers only, a removed one the old side's.
        assert_eq!(unified("a\nb\n", "x\na\n", 0, 100), "@@ -1 +1 @@\n+x\n@@ -2 +3 @@\n-b\n");
        let (old, new) = ("a\nb\nc\nd\ne\nf\n", "a\nc\nd\ne\nf\ng\n");
        assert_eq!(unified(old, new, 1, 100), "@@ -1 +1 @@\n a\n-b\n c\n@@ -6 +5 @@\n f\n+g\n");
        assert_eq!(unified("same\n", "same\n", 3, 100), "");
    }

    #[test]
    fn the_script_keeps_the_longest_common_lines() {
        assert_eq!(unified("x\na\nb\n", "a\nb\ny\n", 3, 100), "@@ -1 +1 @@\n-x\n a\n b\n+y\n");
        assert_eq!(unified("a\nb\nc\nd\n", "b\nc\nd\na\n", 3, 100), "@@ -1 +1 @@\n-a\n b\n c\n d\n+a\n");
        assert_eq!(unified("a\nx\nb\ny\nc\n", "a\nb\nc\n", 3, 100), "@@ -1 +1 @@\n a\n-x\n b\n-y\n c\n");
        assert_eq!(unified("a\nb\nc\n", "c\nb\na\n", 3, 100), "@@ -1 +1 @@\n-a\n-b\n c\n+b\n+a\n");
        // Repeated lines: only the table of common lengths tells which copy to keep.
        assert_eq!(unified("a\na\n", "b\na\na\n", 3, 100), "@@ -1 +1 @@\n+b\n a\n a\n");
        assert_eq!(unified("a\na\n", "b\na\n", 3, 100), "@@ -1 +1 @@\n-a\n+b\n a\n");
        assert_eq!(unified("a\na\nb\na\n", "b\na\na\n", 3, 100), "@@ -1 +1 @@\n-a\n-a\n b\n a\n+a\n");
    }

    #[test]
    fn output_of_exactly_the_limit_is_whole() {
        assert_eq!(unified("a\n", "b\n", 0, 3), "@@ -1 +1 @@\n-a\n+b\n");
        assert_eq!(unified("a\n", "b\n", 0, 2), "@@ -1 +1 @@\n-a\n... (1 more lines of diff)\n");
    }

    #[test]
    fn files_over_4000_lines_are_not_diffed() {
        let long = "x\n".repeat(4001);
        assert_eq!(unified(&long, "y\n", 0, 10), "(files of 4001 and 1 lines differ; too long to show)\n");
        assert_eq!(unified("y\n", &long, 0, 10), "(files of 1 and 4001 lines differ; too long to show)\n");
        let longest = "x\n".repeat(4000);
        assert_eq!(unified(&longest, "", 0, 1), "@@ -1 +1 @@\n... (4000 more lines of diff)\n");
        assert_eq!(unified("", &longest, 0, 1), "@@ -1 +1 @@\n... (4000 more lines of diff)\n");
    }

    #[test]
    fn limits_the_output() {
        let old: String = (0..50).map(|i| format!("{i}\n")).collect();
        let out = unified(&old, "", 0, 10);
        assert!(out.ends_with("... (41 more lines of diff)\n"), "{out}");
    }
}
