package check

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/detect"
	"github.com/vigil-ts/vigil/internal/detect/near"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

// Review decides whether a review is published (R-V1, R-V2): publish,
// low_priority, hold or reject. data is the review.submitted payload.
func (s *Service) Review(ctx context.Context, marketplaceID string, actor audit.Actor, data json.RawMessage, idempotencyKey string) (Decided, error) {
	if r, ok, err := s.replay(ctx, marketplaceID, idempotencyKey); ok || err != nil {
		return r, err
	}
	now := s.Now()
	ev, err := event.Parse(event.Envelope{ID: "check", Type: "review.submitted", OccurredAt: now, Data: data}, now)
	if err != nil {
		return Decided{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	rv := ev.Payload.(*event.ReviewSubmitted)
	eff, err := s.Policies.Get(ctx, marketplaceID)
	if err != nil {
		return Decided{}, err
	}
	pol := eff.Compiled.Policy("")
	m, err := s.ix.market(ctx, marketplaceID)
	if err != nil {
		return Decided{}, err
	}
	rf, err := s.DB.ReviewFacts(ctx, marketplaceID, rv.ReviewID, rv.OrderID, rv.AuthorID, rv.SubjectID, now.Add(-pol.Review.Burst.Window.Std()))
	if err != nil {
		return Decided{}, err
	}
	facts, err := s.DB.AccountFacts(ctx, marketplaceID, rv.AuthorID)
	if err != nil {
		return Decided{}, err
	}
	findings := reviewFindings(pol.Review, rv, rf, facts, now)
	textFindings, _, err := s.scan(marketplaceID, eff, "", "text", rv.Text)
	if err != nil {
		return Decided{}, err
	}
	findings = append(findings, textFindings...)
	if matches := m.reviews.Query(rv.Text, near.QueryOpts{MinSimilarity: pol.Review.TextSimilarity, ExcludeID: rv.ReviewID, Limit: 3}); len(matches) > 0 && rv.Text != "" {
		f := detect.Finding{Code: "review.similar", Field: "text", Value: fmt.Sprintf("%.2f", matches[0].Similarity),
			Threshold: fmt.Sprintf("%.2f", pol.Review.TextSimilarity), Detail: "The text nearly copies another review."}
		for _, mt := range matches {
			f.Refs = append(f.Refs, mt.ID)
		}
		findings = append(findings, f)
	}
	if rm := pol.Review.RatingMismatch; rv.Rating >= rm.MinRating && strings.TrimSpace(rv.Text) != "" {
		// The lexicon is English; other languages mostly score neutral and
		// so do not fire.
		if c := s.sentiment.PolarityScores(rv.Text).Compound; c <= rm.MaxSentiment {
			findings = append(findings, detect.Finding{Code: "review.rating_mismatch", Field: "text", Value: fmt.Sprintf("%.2f", c),
				Threshold: fmt.Sprintf("sentiment ≤ %.2f with rating ≥ %d", rm.MaxSentiment, rm.MinRating),
				Detail:    fmt.Sprintf("A %d-star rating with negative text.", rv.Rating)})
		}
	}
	ctxVars := map[string]any{"reviews_for_subject_last_24h": rf.SubjectReviewsSince}
	if !rf.DeliveredAt.IsZero() {
		ctxVars["hours_since_delivery"] = int64(now.Sub(rf.DeliveredAt).Hours())
	}
	res, err := s.finish(ctx, run{
		marketplaceID: marketplaceID, actor: actor, idempotencyKey: idempotencyKey, ev: ev, eff: eff, check: policy.CheckReview,
		accountID: rv.AuthorID, findings: findings,
		vars: map[string]any{
			"review": map[string]any{"id": rv.ReviewID, "order_id": rv.OrderID, "author_id": rv.AuthorID, "subject_id": rv.SubjectID,
				"rating": int64(rv.Rating), "text": rv.Text},
			"account": accountVars(rv.AuthorID, facts, now),
			"context": ctxVars,
		},
	})
	if err == nil && !res.Replayed {
		m.reviews.Add(rv.ReviewID, rv.AuthorID, rv.Text)
	}
	return res, err
}

// reviewFindings applies the review rules of R-V1 and R-V2 that need only
// the review's facts.
func reviewFindings(p policy.Review, rv *event.ReviewSubmitted, rf store.ReviewFacts, author store.AccountFacts, now time.Time) []detect.Finding {
	var out []detect.Finding
	add := func(code, field, value, threshold, detail string) {
		out = append(out, detect.Finding{Code: code, Field: field, Value: value, Threshold: threshold, Detail: detail})
	}
	verified := rf.OrderFound && rf.OrderBuyer == rv.AuthorID && rf.OrderSeller == rv.SubjectID ||
		rf.OrderFound && rf.OrderSeller == rv.AuthorID && rf.OrderBuyer == rv.SubjectID
	switch {
	case p.VerifiedPurchaseOnly && !verified:
		add("review.not_verified", "order_id", rv.OrderID, "", "The author is not a party to this order with the reviewed account.")
	case rf.DeliveredAt.IsZero():
		add("review.too_early", "order_id", rv.OrderID, p.MinDelayAfterDelivery.String()+" after delivery", "The order has not been delivered yet.")
	case now.Sub(rf.DeliveredAt) < p.MinDelayAfterDelivery.Std():
		add("review.too_early", "order_id", now.Sub(rf.DeliveredAt).Round(time.Minute).String()+" after delivery",
			p.MinDelayAfterDelivery.String()+" after delivery", "Reviews open a while after delivery.")
	}
	if p.OnePerOrder && rf.OtherReviewOfOrder != "" {
		out = append(out, detect.Finding{Code: "review.duplicate_order", Field: "order_id", Value: rv.OrderID,
			Detail: "The author already reviewed this order.", Refs: []string{rf.OtherReviewOfOrder}})
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(rv.Text)); n < p.MinLength {
		add("review.too_short", "text", fmt.Sprint(n), fmt.Sprint(p.MinLength), fmt.Sprintf("Reviews need at least %d characters.", p.MinLength))
	}
	if !rf.ExistingSubmittedAt.IsZero() && now.Sub(rf.ExistingSubmittedAt) > p.EditWindow.Std() {
		add("review.edit_locked", "", rf.ExistingSubmittedAt.Format(time.RFC3339), p.EditWindow.String(), "Reviews can be edited only shortly after they are written.")
	}
	if rf.SubjectReviewsSince >= int64(p.Burst.Max) {
		add("review.burst", "subject_id", fmt.Sprint(rf.SubjectReviewsSince+1), fmt.Sprintf("%d per %s", p.Burst.Max, p.Burst.Window),
			"The reviewed account receives unusually many reviews at once.")
	}
	if author.Found && rf.AuthorReviews == 0 && now.Sub(author.RegisteredAt) < p.NewReviewerAge.Std() {
		add("review.new_reviewer", "author_id", fmt.Sprintf("%.0f days", now.Sub(author.RegisteredAt).Hours()/24), p.NewReviewerAge.String(),
			"First review from a new account: shown with lower priority.")
	}
	if rf.SubjectReviewedBack {
		add("review.cross", "subject_id", rv.SubjectID, "", "The two accounts review each other.")
	}
	if len(rf.SharedIdentifiers) > 0 {
		add("review.self", "author_id", strings.Join(rf.SharedIdentifiers, ", "), "",
			"The author and the reviewed account share "+strings.Join(rf.SharedIdentifiers, " and ")+": possibly the same person.")
	}
	return out
}
