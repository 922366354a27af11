package bench

import (
	"encoding/json"
	"fmt"
	"time"
)

// IngestBodies builds count events as /v1/events batches of batch events:
// a realistic mix of account, listing and message events with unique ids.
func IngestBodies(run string, count, batch int, now time.Time) [][]byte {
	var bodies [][]byte
	for start := 0; start < count; start += batch {
		var evs []map[string]any
		for i := start; i < min(start+batch, count); i++ {
			evs = append(evs, benchEvent(run, i, now))
		}
		b, _ := json.Marshal(map[string]any{"events": evs})
		bodies = append(bodies, b)
	}
	return bodies
}

func benchEvent(run string, i int, now time.Time) map[string]any {
	acc := fmt.Sprintf("acc-%d", i/3)
	ev := map[string]any{"id": fmt.Sprintf("%s-%d", run, i), "occurred_at": now.Add(time.Duration(i) * time.Millisecond).Format(time.RFC3339Nano)}
	switch i % 3 {
	case 0:
		ev["type"] = "account.upserted"
		ev["data"] = map[string]any{"account_id": acc, "kind": "private", "email": acc + "@example.com",
			"phone": fmt.Sprintf("+4915100%06d", i), "country": "DE", "ip": fmt.Sprintf("203.0.113.%d", i%250), "device_id": fmt.Sprintf("dev-%d", i%5000)}
	case 1:
		ev["type"] = "listing.upserted"
		ev["data"] = map[string]any{"listing_id": fmt.Sprintf("lst-%d", i), "account_id": acc, "title": "Trekking bike 28 inch, good condition",
			"description": "Well kept, new tyres last spring, pick-up in Berlin or shipping at the buyer's cost.",
			"price":       map[string]any{"amount": 25000 + i%1000, "currency": "EUR"}, "category": "bikes"}
	default:
		ev["type"] = "message.sent"
		ev["data"] = map[string]any{"message_id": fmt.Sprintf("msg-%d", i), "conversation_id": fmt.Sprintf("conv-%d", i/10),
			"sender_id": acc, "recipient_id": fmt.Sprintf("acc-%d", i/3+1), "text": "Hello, is the bike still available? Could I see it on Saturday?"}
	}
	return ev
}

// ListingBodies builds n POST /v1/checks/listing bodies: varied titles,
// descriptions, categories and prices, some with contact details, so the
// detectors, indexes and price statistics all do real work.
func ListingBodies(n int) [][]byte { return each(n, ListingBody) }

// ListingBody is the ith listing check body of ListingBodies.
func ListingBody(i int) []byte { return listingBody("bl", i) }

// listingBody is the ith listing check body, of listing prefix-i.
func listingBody(prefix string, i int) []byte {
	cats := []string{"bikes", "phones", "furniture", "cars", "fashion"}
	words := []string{"vintage", "carbon", "oak", "leather", "wireless", "compact", "family", "premium", "classic", "electric", "folding", "retro"}
	w := func(k int) string { return words[(i*7+k*13)%len(words)] }
	desc := fmt.Sprintf("%s %s item number %d in very good condition, %s parts replaced last year, collection in town %d.",
		w(1), w(2), i, w(3), i%97)
	if i%10 == 0 {
		desc += " Call 0151 2345 6789 or write to seller" + fmt.Sprint(i) + "@example.com."
	}
	b, _ := json.Marshal(map[string]any{"listing_id": fmt.Sprintf("%s-%d", prefix, i), "account_id": fmt.Sprintf("seller-%d", i%500),
		"title": fmt.Sprintf("%s %s %s %d", w(0), w(4), cats[i%len(cats)], i), "description": desc,
		"price": map[string]any{"amount": 10000 + (i*37)%20000, "currency": "EUR"}, "category": cats[i%len(cats)],
		"images": []map[string]any{{"url": fmt.Sprintf("https://img.example.com/%d.jpg", i)}}})
	return b
}

// each builds n bodies with body.
func each(n int, body func(i int) []byte) [][]byte {
	out := make([][]byte, n)
	for i := range n {
		out[i] = body(i)
	}
	return out
}

// ReportBodies returns n report requests spread over n/5 listings (so
// reports cluster, five to a case) with mixed reasons and reporter types,
// from n/10 reporters.
func ReportBodies(n int) [][]byte {
	// About ten reports a reporter, well under the policy's default
	// per-reporter rate.
	reporters := max(n/10, 997)
	return each(n, func(i int) []byte { return ReportBody(i, reporters) })
}

// ReportBody is the ith report of ReportBodies, from one of reporters.
func ReportBody(i, reporters int) []byte { return reportBody("", i, reporters) }

// reportBody is ReportBody with run prefixed to the target and reporter
// ids, so that another run's reports on the same database neither join
// its cases nor count against its reporters' rate.
func reportBody(run string, i, reporters int) []byte {
	reasons := []string{"scam_or_fraud", "wrong_price", "misleading_photos", "offensive_content", "no_longer_available", "harassment"}
	typ := "user"
	if i%20 == 0 {
		typ = "trusted_flagger"
	}
	b, _ := json.Marshal(map[string]any{"target": map[string]any{"type": "listing", "id": fmt.Sprintf("%srl-%d", run, i/5)},
		"reason": reasons[i%len(reasons)], "details": "Reported from the benchmark.",
		"reporter": map[string]any{"id": fmt.Sprintf("%sreporter-%d", run, i*7919%reporters), "type": typ}})
	return b
}
