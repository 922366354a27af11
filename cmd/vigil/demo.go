package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/demo"
)

// demoSeed fixes the demo data, so loading it again changes nothing.
const demoSeed = 2026

func (e env) demo(ctx context.Context, args []string) error {
	var addr *string
	define := func(fs *flag.FlagSet) {
		addr = fs.String("console", "http://127.0.0.1:8080", "where the console will be served, for the printed link")
	}
	return e.command(ctx, "demo", args, define, func(a *app.App, _ *flag.FlagSet) error { return e.loadDemo(ctx, a, *addr) })
}

// loadDemo loads the demo marketplace and tells the user how to use it.
func (e env) loadDemo(ctx context.Context, a *app.App, base string) error {
	l, err := demo.Load(ctx, a.Deps, a.Ingest, demoSeed)
	if err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	if _, err := demo.FileReports(ctx, a.Cases, l.MarketplaceID); err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	if _, err := demo.Enforce(ctx, a.DB, a.Enforce, l.MarketplaceID); err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	if _, err := demo.FileAppeals(ctx, a.Appeals, l.MarketplaceID); err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	// The logistics rules look at the sellers the events touched.
	if _, err := a.Enforce.Sweep(ctx, 1000); err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	fmt.Fprintf(e.stdout, `Demo marketplace %q loaded: %d events (%d new, %d already there).
  Console:  %s/console/   login %s / %s
  API key:  %s
  Try:      curl -H "Authorization: Bearer %s" %s/v1/marketplace
`, l.MarketplaceName, l.Events, l.Accepted, l.Duplicates, base, l.Username, l.Password, l.APIKey, l.APIKey, base)
	return nil
}
