//! Rendering: turns library results (the inventory for now) into the bytes of each report format. The
//! library renders; only the CLI decides where the bytes go.

use crate::inventory::Inventory;
use crate::output::ReportFormat;
use crate::role::Role;

/// Render `inv` in `format`. JSON is pretty-printed with a trailing newline; identical inventories give
/// identical bytes.
pub fn render_inventory(inv: &Inventory, format: ReportFormat) -> String {
    match format {
        ReportFormat::Json => {
            let mut s = serde_json::to_string_pretty(inv).expect("inventory serialises");
            s.push('\n');
            s
        }
        ReportFormat::Table => inventory_table(inv),
    }
}

/// Bytes in binary units with one decimal (`512.0 MiB`), exact below 1 KiB.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    format!("{v:.1} {}", UNITS[u])
}

fn inventory_table(inv: &Inventory) -> String {
    let rows: Vec<[String; 5]> = inv
        .files
        .iter()
        .map(|f| {
            let path = if f.symlink {
                format!("{} (symlink)", f.path)
            } else {
                f.path.clone()
            };
            [
                f.role.as_str().to_string(),
                f.format.as_str().to_string(),
                human_bytes(f.size),
                f.sha256[..16].to_string(),
                path,
            ]
        })
        .collect();
    let header = ["ROLE", "FORMAT", "SIZE", "SHA256", "PATH"];
    let mut widths = header.map(str::len);
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: [&str; 5]| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i == 4 {
                l.push_str(c);
            } else if i == 2 {
                l.push_str(&format!("{:>w$}  ", c, w = widths[i]));
            } else {
                l.push_str(&format!("{:<w$}  ", c, w = widths[i]));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(header);
    for r in &rows {
        line([&r[0], &r[1], &r[2], &r[3], &r[4]]);
    }
    out.push('\n');
    out.push_str(&format!(
        "model   {} ({})\nfiles   {} ({})\nroles   {}\ndigest  {}\n",
        inv.model.name,
        match inv.model.kind {
            crate::inventory::ModelKindInfo::Directory => "directory",
            crate::inventory::ModelKindInfo::File => "single file",
        },
        inv.totals.files,
        human_bytes(inv.totals.bytes),
        role_summary(inv),
        inv.model.digest,
    ));
    out
}

/// `weights 4 (2.0 GiB), config 3 (2.1 KiB), ...` in role order.
pub fn role_summary(inv: &Inventory) -> String {
    Role::ALL
        .iter()
        .filter_map(|r| {
            inv.totals
                .by_role
                .get(r)
                .map(|t| format!("{} {} ({})", r.as_str(), t.files, human_bytes(t.bytes)))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes_units() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(512 * 1024 * 1024), "512.0 MiB");
    }
}
