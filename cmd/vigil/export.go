package main

import (
	"context"
	"flag"
	"io"

	"github.com/vigil-ts/vigil/internal/app"
)

// exportLabels writes the automated decisions of a period that a person
// judged, with their features and the human outcome (upheld or
// overturned), as JSON lines for model training (R-C6); --all adds the
// decisions nobody judged, labelled null.
func (e env) exportLabels(ctx context.Context, args []string) error {
	var mp, from, to, out *string
	var all *bool
	define := func(fs *flag.FlagSet) {
		mp = fs.String("marketplace", "", "the marketplace's id (required)")
		from = fs.String("from", "", "decisions made from (RFC 3339 or YYYY-MM-DD), inclusive; default 90 days before --to")
		to = fs.String("to", "", "decisions made before (RFC 3339 or YYYY-MM-DD); default now")
		out = fs.String("out", "", "write to this file instead of stdout")
		all = fs.Bool("all", false, `also the decisions nobody judged, with "label": null`)
	}
	return e.command(ctx, "export labels", args, define, func(a *app.App, _ *flag.FlagSet) error {
		start, end, err := exportPeriod(ctx, a, "export labels", *mp, *from, *to, 90)
		if err != nil {
			return err
		}
		return e.exportFile(*out, func(w io.Writer) (int, error) { return a.Compliance.Labels(ctx, *mp, start, end, *all, w) })
	})
}
