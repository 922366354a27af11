package main

import (
	"context"
	"fmt"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/demo"
)

// demoSeed fixes the demo data, so loading it again changes nothing.
const demoSeed = 2026

func (e env) demo(ctx context.Context, args []string) error {
	fs, db := e.flags("demo")
	addr := fs.String("console", "http://127.0.0.1:8080", "where the console will be served, for the printed link")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := e.open(ctx, *db)
	if err != nil {
		return err
	}
	defer a.Close()
	return e.loadDemo(ctx, a, *addr)
}

// loadDemo loads the demo marketplace and tells the user how to use it.
func (e env) loadDemo(ctx context.Context, a *app.App, base string) error {
	l, err := demo.Load(ctx, a.Deps, demoSeed)
	if err != nil {
		return fmt.Errorf("load demo: %w", err)
	}
	fmt.Fprintf(e.stdout, `Demo marketplace %q loaded: %d events (%d new, %d already there).
  Console:  %s/console/   login %s / %s
  API key:  %s
  Try:      curl -H "Authorization: Bearer %s" %s/v1/marketplace
`, l.MarketplaceName, l.Events, l.Accepted, l.Duplicates, base, l.Username, l.Password, l.APIKey, l.APIKey, base)
	return nil
}
