package listing_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/ingest"
	"github.com/vigil-ts/vigil/internal/listing"
	"github.com/vigil-ts/vigil/internal/outbox/outboxtest"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/svc/svctest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type env struct {
	svctest.Env
	db    *store.DB
	ls    *listing.Service
	ing   *ingest.Service
	hooks *outboxtest.Recorder
	n     int
}

var system = svctest.System

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := &env{Env: svctest.New(t, db), db: db, hooks: &outboxtest.Recorder{}}
	d := e.Deps
	pols, err := check.NewPolicies(d)
	if err != nil {
		t.Fatal(err)
	}
	e.ls = listing.New(d, pols, e.hooks)
	e.ing = ingest.New(d)
	e.ing.Hooks = []ingest.Hook{e.ls.IngestHook}
	return e
}

func (e *env) send(t *testing.T, typ string, data map[string]any) {
	t.Helper()
	e.n++
	b, _ := json.Marshal(data)
	res, err := e.ing.Ingest(t.Context(), e.MP, system, []event.Envelope{{ID: fmt.Sprint("ev", e.n), Type: typ, OccurredAt: e.Now(), Data: b}}, true)
	if err != nil || res.Accepted != 1 {
		t.Fatalf("%s: %+v %v", typ, res, err)
	}
}

func (e *env) upsert(t *testing.T, id string) {
	e.send(t, "listing.upserted", map[string]any{"listing_id": id, "account_id": "seller-zq", "title": "Two-room flat", "description": "Bright, quiet",
		"price": map[string]any{"amount": 90000, "currency": "EUR"}, "category": "rentals",
		"location": map[string]any{"street": "Hafenstraße 7", "postcode": "20457", "city": "Hamburg", "country": "DE"}})
}

func (e *env) move(t *testing.T, id, to, actor string) error {
	t.Helper()
	return e.ls.Move(t.Context(), e.MP, system, id, listing.Move{To: to, Actor: actor, ActorID: "u1", Reason: "Reviewed: complete and plausible.",
		Fields: map[bool][]string{true: {"description"}}[to == listing.ChangesRequested]})
}

func (e *env) status(t *testing.T, id string) string {
	t.Helper()
	st, err := e.db.ListingState(t.Context(), e.MP, id)
	if err != nil {
		t.Fatal(err)
	}
	return st.Status
}

func TestMovesAndHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		e.upsert(t, "l1")
		if err := e.move(t, "l1", listing.Paused, listing.ActorOwner); !errors.Is(err, listing.ErrForbidden) {
			t.Fatalf("owner pausing an unreviewed listing: %v", err)
		}
		if err := e.ls.Move(ctx, e.MP, system, "l1", listing.Move{To: listing.Rejected, Actor: listing.ActorModerator}); !errors.Is(err, listing.ErrInvalid) {
			t.Fatalf("rejection without a reason: %v", err)
		}
		if err := e.ls.Move(ctx, e.MP, system, "l1", listing.Move{To: listing.ChangesRequested, Actor: listing.ActorModerator, Reason: "Add costs"}); !errors.Is(err, listing.ErrInvalid) {
			t.Fatalf("change request without fields: %v", err)
		}
		if err := e.move(t, "l1", listing.ChangesRequested, listing.ActorModerator); err != nil {
			t.Fatal(err)
		}
		if err := e.move(t, "l1", listing.Approved, listing.ActorModerator); err != nil {
			t.Fatal(err)
		}
		if err := e.move(t, "l1", listing.Paused, listing.ActorOwner); err != nil {
			t.Fatal(err)
		}
		if err := e.move(t, "l1", listing.Expired, listing.ActorModerator); !errors.Is(err, listing.ErrForbidden) {
			t.Fatalf("moderator expiring: %v", err)
		}
		h, err := e.ls.HistoryOf(ctx, e.MP, "l1", 10)
		if err != nil || len(h) != 3 || h[0].To != listing.Paused || h[0].Actor != listing.ActorOwner || h[2].To != listing.ChangesRequested ||
			len(h[2].Fields) != 1 || h[2].Fields[0] != "description" {
			t.Fatalf("history: %+v %v", h, err)
		}
		if got := e.hooks.Of(listing.EventStatusChanged); len(got) != 3 || got[0].Data["previous_status"] != "" || got[2].Data["actor"] != "owner" {
			t.Fatalf("webhooks: %+v", got)
		}
		if err := e.move(t, "missing", listing.Approved, listing.ActorModerator); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown listing: %v", err)
		}
	})
}

func TestFreshnessTimeline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		day := 24 * time.Hour
		e.upsert(t, "l1")
		e.upsert(t, "l2")
		for _, id := range []string{"l1", "l2"} {
			if err := e.move(t, id, listing.Approved, listing.ActorModerator); err != nil {
				t.Fatal(err)
			}
		}
		e.Advance(6 * day)
		if r, s, err := e.ls.Sweep(ctx, 100); err != nil || r+s != 0 {
			t.Fatalf("day 6: %d %d %v", r, s, err)
		}
		e.send(t, "listing.reconfirmed", map[string]any{"listing_id": "l2"})
		e.Advance(day)
		// Day 7: l1 gets its ranking penalty and one reminder; l2 was
		// reconfirmed yesterday.
		if r, _, err := e.ls.Sweep(ctx, 100); err != nil || r != 1 {
			t.Fatalf("day 7: %d %v", r, err)
		}
		if r, _, _ := e.ls.Sweep(ctx, 100); r != 0 {
			t.Fatal("reminded twice")
		}
		tr, err := e.ls.TrustOf(ctx, e.MP, "l1")
		if err != nil || !tr.Freshness.RankingPenalty || tr.Freshness.Stale || !tr.Live {
			t.Fatalf("day 7 trust: %+v %v", tr, err)
		}
		if got := e.hooks.Of(listing.EventReconfirm); len(got) != 1 || got[0].Data["listing_id"] != "l1" {
			t.Fatalf("reminder: %+v", got)
		}
		// Day 21: hidden (paused) by the default policy.
		e.Advance(14 * day)
		if _, s, err := e.ls.Sweep(ctx, 100); err != nil || s != 1 {
			t.Fatalf("day 21: %d %v", s, err)
		}
		if st := e.status(t, "l1"); st != listing.Paused {
			t.Fatalf("stale listing: %s", st)
		}
		// The owner reconfirms: live again.
		e.send(t, "listing.reconfirmed", map[string]any{"listing_id": "l1"})
		if st := e.status(t, "l1"); st != listing.Approved {
			t.Fatalf("after reconfirming: %s", st)
		}
		tr, _ = e.ls.TrustOf(ctx, e.MP, "l1")
		if tr.Freshness.RankingPenalty || tr.Freshness.LastConfirmed.IsZero() {
			t.Fatalf("fresh again: %+v", tr.Freshness)
		}
		// A listing the owner paused is not resumed by a reconfirmation.
		if err := e.move(t, "l2", listing.Paused, listing.ActorOwner); err != nil {
			t.Fatal(err)
		}
		e.send(t, "listing.reconfirmed", map[string]any{"listing_id": "l2"})
		if st := e.status(t, "l2"); st != listing.Paused {
			t.Fatalf("owner's pause undone: %s", st)
		}
	})
}

func TestTrustViewAndLevels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := t.Context()
		e.send(t, "account.upserted", map[string]any{"account_id": "seller-zq", "kind": "private", "email": "o@example.org"})
		for _, k := range []string{"email", "phone", "terms", "identity"} {
			e.send(t, "verification.changed", map[string]any{"account_id": "seller-zq", "kind": k, "status": "verified"})
		}
		e.upsert(t, "l1")
		tr, err := e.ls.TrustOf(ctx, e.MP, "l1")
		if err != nil || tr.Live || len(tr.TrustLevels) != 0 || tr.Seller.Level != listing.LevelIdentity {
			t.Fatalf("unreviewed: %+v %v", tr, err)
		}
		if err := e.move(t, "l1", listing.Approved, listing.ActorModerator); err != nil {
			t.Fatal(err)
		}
		mod := store.User{ID: "m1", Role: "agent"}
		if err := e.ls.CheckProperty(ctx, e.MP, store.User{ID: "r1", Role: "appeals_reviewer"}, "l1", true, "Lease contract"); !errors.Is(err, listing.ErrForbidden) {
			t.Fatalf("property check by a reviewer: %v", err)
		}
		if err := e.ls.CheckProperty(ctx, e.MP, mod, "l1", true, "Lease contract and utility bill in the owner's name"); err != nil {
			t.Fatal(err)
		}
		tr, _ = e.ls.TrustOf(ctx, e.MP, "l1")
		if !tr.Live || len(tr.TrustLevels) != 2 || tr.TrustLevels[0].Level != listing.ContactVerified || tr.TrustLevels[1].Level != listing.PropertyChecked {
			t.Fatalf("trust levels: %+v", tr.TrustLevels)
		}
		b, _ := json.Marshal(tr)
		for _, secret := range []string{"Hafenstraße", "20457", "seller-zq", "o@example.org", "ownership guarantee\""} {
			if strings.Contains(string(b), secret) {
				t.Errorf("trust view reveals %q: %s", secret, b)
			}
		}
		if tr.Area.PostcodePrefix != "204" || tr.Area.City != "Hamburg" {
			t.Errorf("area: %+v", tr.Area)
		}
		// The PSP reports the identity verification lapsed: the level's
		// benefits end with it.
		e.send(t, "verification.changed", map[string]any{"account_id": "seller-zq", "kind": "identity", "status": "lapsed"})
		if tr, _ = e.ls.TrustOf(ctx, e.MP, "l1"); tr.Seller.Level != listing.LevelBasic || tr.Seller.Badge != "" {
			t.Fatalf("after the lapse: %+v", tr.Seller)
		}
		// A new version approved only by the check loses "contact verified".
		if _, err := db.ListingState(ctx, e.MP, "l1"); err != nil {
			t.Fatal(err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := e.ls.Apply(ctx, tx, e.MP, "l1", listing.Move{To: listing.PendingReview, Actor: listing.ActorCheck}); err != nil {
				return err
			}
			_, err := e.ls.Apply(ctx, tx, e.MP, "l1", listing.Move{To: listing.Approved, Actor: listing.ActorCheck})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if tr, _ = e.ls.TrustOf(ctx, e.MP, "l1"); len(tr.TrustLevels) != 1 || tr.TrustLevels[0].Level != listing.PropertyChecked {
			t.Fatalf("check-only approval kept contact verified: %+v", tr.TrustLevels)
		}
	})
}
