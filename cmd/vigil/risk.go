package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/audit"
)

// riskRecompute rebuilds marketplaces' signal state from their events and
// reports (or, with --write, repairs) any difference from the state kept
// incrementally.
func (e env) riskRecompute(ctx context.Context, args []string) error {
	var mp *string
	var write *bool
	define := func(fs *flag.FlagSet) {
		mp = fs.String("marketplace", "", "only this marketplace (default: all)")
		write = fs.Bool("write", false, "replace the stored state with the rebuilt one and refresh every score")
	}
	return e.command(ctx, "risk recompute", args, define, func(a *app.App, _ *flag.FlagSet) error {
		ids, err := e.marketplaceIDs(ctx, a, *mp)
		if err != nil {
			return err
		}
		actor := audit.Actor{Type: audit.ActorSystem, ID: "cli"}
		differ := 0
		enc := json.NewEncoder(e.stdout)
		for _, id := range ids {
			res, err := a.Fraud.Recompute(ctx, actor, id, *write)
			if err != nil {
				return fmt.Errorf("marketplace %s: %w", id, err)
			}
			differ += len(res.Differ)
			if err := enc.Encode(map[string]any{"marketplace_id": id, "result": res}); err != nil {
				return err
			}
		}
		if differ > 0 && !*write {
			return errors.New("stored signal state differs from the events; run again with --write to repair it")
		}
		if *write {
			return e.refreshAll(ctx, a)
		}
		return nil
	})
}

// riskRefresh computes every score waiting for a refresh now, rather than
// at the next periodic run.
func (e env) riskRefresh(ctx context.Context, args []string) error {
	return e.command(ctx, "risk refresh", args, nil, func(a *app.App, _ *flag.FlagSet) error { return e.refreshAll(ctx, a) })
}

func (e env) refreshAll(ctx context.Context, a *app.App) error {
	total := 0
	for {
		n, err := a.Fraud.RefreshDirty(ctx, 500)
		total += n
		if err != nil {
			return err
		}
		if n == 0 {
			fmt.Fprintf(e.stdout, "refreshed %d scores\n", total)
			return nil
		}
	}
}

// marketplaceIDs returns id, or every marketplace's id when id is empty.
func (e env) marketplaceIDs(ctx context.Context, a *app.App, id string) ([]string, error) {
	if id != "" {
		if _, err := a.DB.Marketplace(ctx, id); err != nil {
			return nil, fmt.Errorf("marketplace %s: %w", id, err)
		}
		return []string{id}, nil
	}
	mps, err := a.DB.Marketplaces(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(mps))
	for i, m := range mps {
		ids[i] = m.ID
	}
	return ids, nil
}
