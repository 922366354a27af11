package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/audit"
)

// auditVerify verifies every chain in the database or, with --file, an
// export of one (vigil audit export, GET /v1/audit-log) on its own.
func (e env) auditVerify(ctx context.Context, args []string) error {
	fs, _ := e.flags("audit verify")
	file := fs.String("file", "", "verify this export (JSON lines) instead of the database")
	if err := parse(fs, reorder(args)); err != nil {
		return err
	}
	if *file == "" {
		return e.command(ctx, "audit verify", args, nil, func(a *app.App, _ *flag.FlagSet) error { return e.verifyChains(ctx, a) })
	}
	f, err := os.Open(*file)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := audit.VerifyExport(f)
	if err != nil {
		fmt.Fprintf(e.stdout, "export %s: BROKEN: %v\n", *file, err)
		return err
	}
	fmt.Fprintf(e.stdout, "export %s intact: chain %s, entries %d to %d (%d), %s to %s\n", *file, st.Chain, st.First.Seq, st.Last.Seq, st.Count,
		st.First.At.Format(time.RFC3339), st.Last.At.Format(time.RFC3339))
	fmt.Fprintf(e.stdout, "anchor: entry %d follows hash %s; last hash %s\n", st.First.Seq, st.First.PrevHash, st.Last.Hash)
	return nil
}

// auditExport writes a marketplace's audit entries of a period as JSON
// lines, to stdout or --out.
func (e env) auditExport(ctx context.Context, args []string) error {
	var mp, from, to, out *string
	define := func(fs *flag.FlagSet) {
		mp = fs.String("marketplace", "", "the marketplace's id (required)")
		from = fs.String("from", "", "from (RFC 3339 or YYYY-MM-DD), inclusive; default 30 days before --to")
		to = fs.String("to", "", "to (RFC 3339 or YYYY-MM-DD), exclusive; default now")
		out = fs.String("out", "", "write to this file instead of stdout")
	}
	return e.command(ctx, "audit export", args, define, func(a *app.App, _ *flag.FlagSet) error {
		start, end, err := exportPeriod(ctx, a, "audit export", *mp, *from, *to, 30)
		if err != nil {
			return err
		}
		return e.exportFile(*out, func(w io.Writer) (int, error) { return a.Compliance.AuditLog(ctx, *mp, start, end, w) })
	})
}

// exportPeriod checks an export's --marketplace and reads its period:
// --to defaults to now, --from to days before it.
func exportPeriod(ctx context.Context, a *app.App, cmd, mp, from, to string, days int) (time.Time, time.Time, error) {
	if mp == "" {
		return time.Time{}, time.Time{}, usageError{cmd + ": --marketplace is required"}
	}
	if _, err := a.DB.Marketplace(ctx, mp); err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("marketplace %s: %w", mp, err)
	}
	end, err := timeFlag("--to", to, time.Now().UTC())
	if err != nil {
		return end, end, err
	}
	start, err := timeFlag("--from", from, end.AddDate(0, 0, -days))
	if err != nil {
		return start, end, err
	}
	if !start.Before(end) {
		return start, end, usageError{cmd + ": --from must be before --to"}
	}
	return start, end, nil
}

// exportFile runs an export into the file out, synced before it is
// closed, or to stdout when out is empty.
func (e env) exportFile(out string, export func(io.Writer) (int, error)) error {
	if out == "" {
		return e.exportTo(e.stdout, export)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := e.exportTo(f, export); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// exportTo runs an export into w and says on stderr how many records
// it wrote.
func (e env) exportTo(w io.Writer, export func(io.Writer) (int, error)) error {
	n, err := export(w)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "%d records exported\n", n)
	return nil
}

// timeFlag parses a flag value given as an RFC 3339 time or a date
// (YYYY-MM-DD, midnight UTC); empty gives def.
func timeFlag(name, v string, def time.Time) (time.Time, error) {
	if v == "" {
		return def, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		if t, err = time.Parse(time.DateOnly, v); err != nil {
			return t, usageError{fmt.Sprintf("%s: %q is not an RFC 3339 time or a date (YYYY-MM-DD)", name, v)}
		}
	}
	return t, nil
}
