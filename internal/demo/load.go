package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/ingest"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/svc"
	"github.com/vigil-ts/vigil/internal/tenant"
	"github.com/vigil-ts/vigil/internal/user"
)

// Loaded reports what Load did and how to use the demo.
type Loaded struct {
	MarketplaceID, MarketplaceName string
	// APIKey is a new key of the marketplace, shown this once.
	APIKey string
	// Username and Password log in to the console.
	Username, Password string
	// Events were generated; Accepted were stored now; Duplicates had been
	// stored by an earlier Load.
	Events, Accepted, Duplicates int
}

// Load creates the demo marketplace (or finds it), its console user and a
// fresh API key, stores the demo photos' hashes as uploads, and ingests
// Generate(seed, ...) through ing, the ordinary ingestion path with its
// hooks (so listings' photos are registered and compared as in production).
//
// The events are anchored at the marketplace's creation time rather than at
// the current time: an event's content includes its time, so anchoring at
// "now" would turn a second Load into id conflicts instead of duplicates.
// Loading again with the same seed therefore stores nothing new; a
// different seed conflicts with the stored events and fails, storing no
// events (only the hashes of its photos, which nothing refers to).
func Load(ctx context.Context, d svc.Deps, ing *ingest.Service, seed int64) (Loaded, error) {
	actor := audit.Actor{Type: audit.ActorSystem, ID: "demo"}
	out := Loaded{MarketplaceName: MarketplaceName, Username: Username, Password: Password}
	mp, err := findMarketplace(ctx, d.DB)
	switch {
	case errors.Is(err, store.ErrNotFound):
		c, err := tenant.New(d).CreateMarketplace(ctx, actor, MarketplaceName)
		if err != nil {
			return out, fmt.Errorf("create demo marketplace: %w", err)
		}
		mp, out.APIKey = c.Marketplace, c.Secret
	case err != nil:
		return out, fmt.Errorf("find demo marketplace: %w", err)
	default:
		// Keys are shown only when issued, so an existing marketplace
		// gets a new one to print.
		if _, out.APIKey, err = tenant.New(d).CreateKey(ctx, actor, mp.ID, "demo"); err != nil {
			return out, fmt.Errorf("create demo API key: %w", err)
		}
	}
	out.MarketplaceID, out.MarketplaceName = mp.ID, mp.Name
	if err := ensureUser(ctx, d, actor); err != nil {
		return out, err
	}
	g := generate(seed, mp.CreatedAt)
	if err := storePhotos(ctx, d.DB, mp.ID, g.photos, mp.CreatedAt); err != nil {
		return out, fmt.Errorf("store demo photos: %w", err)
	}
	evs := g.envelopes()
	out.Events = len(evs)
	for start := 0; start < len(evs); start += event.MaxBatch {
		batch := evs[start:min(start+event.MaxBatch, len(evs))]
		res, err := ing.Ingest(ctx, mp.ID, actor, batch, false)
		if err != nil {
			return out, fmt.Errorf("ingest demo events %d to %d: %w", start+1, start+len(batch), err)
		}
		out.Accepted += res.Accepted
		out.Duplicates += res.Duplicates
		// The generator's events are all valid: a rejected one is a bug
		// here or a different seed loaded before.
		if len(res.Errors) > 0 {
			e := res.Errors[0]
			what := e.Detail
			if e.Field != "" {
				what = e.Field + ": " + e.Detail
			}
			return out, fmt.Errorf("demo event %s (%s) rejected: %s (%d rejected in this batch)", e.ID, batch[e.Index].Type, what, len(res.Errors))
		}
	}
	return out, nil
}

// findMarketplace returns the demo marketplace, or ErrNotFound.
func findMarketplace(ctx context.Context, db *store.DB) (store.Marketplace, error) {
	mps, err := db.Marketplaces(ctx)
	if err != nil {
		return store.Marketplace{}, err
	}
	for _, m := range mps {
		if m.Slug == MarketplaceSlug {
			return m, nil
		}
	}
	return store.Marketplace{}, fmt.Errorf("marketplace %s: %w", MarketplaceSlug, store.ErrNotFound)
}

// ensureUser creates the demo console user, an operator admin, unless a
// user of that name exists (whatever its password now is).
func ensureUser(ctx context.Context, d svc.Deps, actor audit.Actor) error {
	_, err := d.DB.UserByName(ctx, Username)
	if err == nil {
		return nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("find demo user: %w", err)
	}
	if _, err := user.New(d).Create(ctx, actor, Username, Password, user.Admin, ""); err != nil {
		return fmt.Errorf("create demo user: %w", err)
	}
	return nil
}
