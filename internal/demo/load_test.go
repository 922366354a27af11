package demo

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/ingest"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/svc"
	"github.com/vigil-ts/vigil/internal/tenant"
	"github.com/vigil-ts/vigil/internal/user"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestLoad loads the demo twice on each database: the first load stores
// everything, the second only issues a key; the stored entities match the
// generated ones and the fraud schemes are there to be found.
func TestLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := svc.New(db, slog.New(slog.DiscardHandler))
		start := time.Now()
		first, err := Load(ctx, d, ingest.New(d), 1)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("first load: %d events in %s", first.Events, time.Since(start))
		if first.Accepted != first.Events || first.Duplicates != 0 || first.Events < 3000 {
			t.Fatalf("first load: %+v", first)
		}
		second, err := Load(ctx, d, ingest.New(d), 1)
		if err != nil {
			t.Fatal(err)
		}
		if second.Accepted != 0 || second.Duplicates != second.Events || second.Events != first.Events ||
			second.MarketplaceID != first.MarketplaceID || second.MarketplaceName != MarketplaceName {
			t.Fatalf("second load changed something: %+v after %+v", second, first)
		}
		mp := first.MarketplaceID
		for _, key := range []string{first.APIKey, second.APIKey} {
			k, err := tenant.New(d).Authenticate(ctx, key)
			if err != nil || k.MarketplaceID != mp {
				t.Errorf("key %q: %+v %v", key, k, err)
			}
		}
		if first.APIKey == second.APIKey {
			t.Error("the second load printed the same key")
		}
		if _, u, err := user.New(d).Login(ctx, first.Username, first.Password); err != nil || u.Role != string(user.Admin) || u.MarketplaceID != "" {
			t.Errorf("demo login: %+v %v", u, err)
		}
		checkCounts(t, db, mp)
		checkPatterns(t, db, mp)
		// The marketplace holds one seed's events; another seed reuses
		// their ids for other content, fails loudly and stores nothing.
		if _, err := Load(ctx, d, ingest.New(d), 2); err == nil || !strings.Contains(err.Error(), "demo-00001") {
			t.Errorf("loading another seed: %v", err)
		}
		checkCounts(t, db, mp)
	})
}

// checkCounts compares the stored entity totals with the generated events.
func checkCounts(t *testing.T, db *store.DB, mp string) {
	t.Helper()
	ctx := context.Background()
	m, err := findMarketplace(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	evs := Generate(1, m.CreatedAt)
	n := parseAll(t, evs, m.CreatedAt)
	want := store.Counts{Accounts: int64(len(n.accounts)), Listings: int64(len(n.listings)), Messages: int64(n.messages),
		Reviews: int64(n.reviews), Orders: int64(len(n.orders)), Events: int64(len(evs))}
	got, err := db.Counts(ctx, mp)
	if err != nil || got != want {
		t.Errorf("stored %+v, want %+v (%v)", got, want, err)
	}
}

// checkPatterns looks for each fraud scheme in the stored data, the way a
// moderator or a detector would.
func checkPatterns(t *testing.T, db *store.DB, mp string) {
	t.Helper()
	ctx := context.Background()
	ids := map[string][]string{}
	for _, p := range Patterns() {
		ids[p.Code] = p.AccountIDs
	}
	count := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := db.R.QueryRowContext(ctx, query, append([]any{mp}, args...)...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	has := func(account, kind, value string) bool {
		t.Helper()
		got, err := db.Identifiers(ctx, mp, account)
		if err != nil {
			t.Fatal(err)
		}
		return slices.Contains(got, event.Identifier{AccountID: account, Kind: kind, Value: value})
	}
	types := func(account string) map[string]int {
		t.Helper()
		evs, err := db.Events(ctx, store.EventsQuery{MarketplaceID: mp, AccountID: account, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, e := range evs {
			out[e.Type]++
		}
		return out
	}

	// (a) one IP, one device, disposable domains, registered within an hour.
	var first, last time.Time
	for _, id := range ids["signup-ring"] {
		if !has(id, event.IDIP, ringIP) || !has(id, event.IDDevice, ringDevice) {
			t.Errorf("ring account %s does not share the IP and device", id)
		}
		e, err := db.Entity(ctx, mp, "account", id)
		if err != nil {
			t.Fatal(err)
		}
		var a event.AccountUpserted
		if err := json.Unmarshal(e.Data, &a); err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc([]string{"mailinator.com", "10minutemail.com", "guerrillamail.com", "yopmail.com", "trashmail.com", "sharklasers.com"},
			func(d string) bool { return strings.HasSuffix(a.Email, "@"+d) }) {
			t.Errorf("ring account %s has email %s", id, a.Email)
		}
		reg := e.Fields["registered_at"].(time.Time)
		if first.IsZero() || reg.Before(first) {
			first = reg
		}
		last = latest(last, reg)
	}
	if len(ids["signup-ring"]) != 6 || last.Sub(first) > time.Hour {
		t.Errorf("ring of %d registered between %s and %s", len(ids["signup-ring"]), first, last)
	}

	// (b) a quarter of the price, payment off the platform, spelled-out contacts.
	c := ids["counterfeit-offplatform"][0]
	if n := count(`SELECT COUNT(*) FROM listings WHERE marketplace_id = $1 AND account_id = $2 AND title LIKE 'iPhone 15 Pro Max%' AND price_amount <= 35000`, c); n != 1 {
		t.Errorf("cheap iPhone listings of %s: %d", c, n)
	}
	for _, text := range []string{"%Western Union%", "%gmail dot com%", "%zero one five one%", "%null eins fünf eins%", "%WhatsApp%"} {
		if count(`SELECT COUNT(*) FROM messages WHERE marketplace_id = $1 AND sender_id = $2 AND text LIKE $3`, c, text) == 0 {
			t.Errorf("no message of %s like %q", c, text)
		}
	}

	// (c) the lookalike link sent to six sellers.
	if n := count(`SELECT COUNT(DISTINCT recipient_id) FROM messages WHERE marketplace_id = $1 AND sender_id = $2 AND text LIKE $3`,
		ids["phishing"][0], "%https://"+phishingHost+"/verify%"); n != 6 {
		t.Errorf("phishing reached %d sellers, want 6", n)
	}

	// (d) five failed payments, two chargebacks.
	if got := types(ids["payment-abuse"][0]); got["payment.failed"] != 5 || got["chargeback.received"] != 2 {
		t.Errorf("payment abuse: %v", got)
	}

	// (e) eight five-star reviews within 24 hours by accounts under a week old.
	burst := ids["review-burst"]
	var span []int64
	rows, err := db.R.QueryContext(ctx, `SELECT r.submitted_at, a.registered_at FROM reviews r
		JOIN accounts a ON a.marketplace_id = r.marketplace_id AND a.id = r.author_id
		WHERE r.marketplace_id = $1 AND r.subject_id = $2 AND r.rating = 5 ORDER BY r.submitted_at`, mp, burst[0])
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var at, reg int64
		if err := rows.Scan(&at, &reg); err != nil {
			t.Fatal(err)
		}
		if time.Duration(at-reg)*time.Microsecond < 7*day {
			span = append(span, at)
		}
	}
	rows.Close()
	if len(span) != 8 || time.Duration(span[len(span)-1]-span[0])*time.Microsecond > day {
		t.Errorf("five-star reviews by new accounts for %s: %d, over %v", burst[0], len(span), time.Duration(span[len(span)-1]-span[0])*time.Microsecond)
	}
	if n := count(`SELECT COUNT(*) FROM reviews WHERE marketplace_id = $1 AND subject_id = $2`, burst[0]); n != 8 {
		t.Errorf("%s has %d reviews, want the 8 of the burst", burst[0], n)
	}

	// (f) flats asking for the deposit by wire, owner abroad.
	landlord := ids["rental-advance-fee"][0]
	if n := count(`SELECT COUNT(*) FROM listings WHERE marketplace_id = $1 AND account_id = $2 AND category = 'rentals'
		AND (description LIKE '%Western Union%' OR description LIKE '%bank transfer%')`, landlord); n != 2 {
		t.Errorf("advance-fee rentals: %d", n)
	}
	if n := count(`SELECT COUNT(*) FROM accounts WHERE marketplace_id = $1 AND id = $2 AND country = 'ES'`, landlord); n != 1 {
		t.Errorf("landlord %s does not live abroad", landlord)
	}

	// (g) late and untracked shipments, cancellations.
	unreliable := ids["unreliable-seller"][0]
	if got := types(unreliable); got["shipment.late"] != 5 || got["remedial.completed"] != 1 {
		t.Errorf("unreliable seller: %v", got)
	}
	if n := count(`SELECT COUNT(*) FROM orders WHERE marketplace_id = $1 AND seller_id = $2 AND status = 'cancelled'`, unreliable); n != 3 {
		t.Errorf("cancelled orders of %s: %d", unreliable, n)
	}

	// (h) one card and one address behind several buyers of one shop.
	shared := ids["shared-payment"]
	buyers, shop := shared[:len(shared)-1], shared[len(shared)-1]
	for _, b := range buyers {
		if !has(b, event.IDPayment, sharedCard) || !has(b, event.IDAddress, sharedAddress()) {
			t.Errorf("buyer %s does not share the card and address", b)
		}
	}
	if n := count(`SELECT COUNT(DISTINCT buyer_id) FROM orders WHERE marketplace_id = $1 AND seller_id = $2 AND data LIKE $3`,
		shop, "%"+sharedCard+"%"); n != len(buyers) {
		t.Errorf("%d buyers paid %s with the shared card, want %d", n, shop, len(buyers))
	}
}
