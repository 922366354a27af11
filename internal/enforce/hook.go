package enforce

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

// IngestHook applies a stored batch's enforcement consequences inside the
// batch's transaction: accepted DMCA takedowns run the two automatic
// rules, completed remedial steps lift the logistics sanctions they lift,
// orders of frozen accounts join or leave the frozen set, and sellers
// whose fulfilment changed are marked for the logistics rules.
func (s *Service) IngestHook(ctx context.Context, tx *store.Tx, marketplaceID string, stored []event.Event) (func(), error) {
	var dmca, sellers, parties []string
	type remedial struct{ account, kind, eventID string }
	var remedials []remedial
	type lapse struct{ account, kind, eventID string }
	var lapses []lapse
	var orders []*event.Order
	var statuses []string
	add := func(list *[]string, id string) {
		if id != "" && !slices.Contains(*list, id) {
			*list = append(*list, id)
		}
	}
	for _, ev := range stored {
		switch p := ev.Payload.(type) {
		case *event.AccountSignal:
			switch ev.Type {
			case "dmca.accepted":
				add(&dmca, p.AccountID)
			case "remedial.completed":
				remedials = append(remedials, remedial{p.AccountID, p.Kind, ev.ID})
			}
		case *event.Order:
			add(&sellers, p.SellerID)
			add(&parties, p.BuyerID)
			add(&parties, p.SellerID)
			orders, statuses = append(orders, p), append(statuses, strings.TrimPrefix(ev.Type, "order."))
		case *event.ShipmentLate:
			add(&sellers, p.SellerID)
		case *event.VerificationChanged:
			if p.Status == "lapsed" && (p.Kind == "identity" || p.Kind == "business") {
				lapses = append(lapses, lapse{p.AccountID, p.Kind, ev.ID})
			}
		}
	}
	for _, l := range lapses {
		if err := s.lapsed(ctx, tx, marketplaceID, l.account, l.kind, l.eventID); err != nil {
			return nil, err
		}
	}
	if err := tx.MarkLogisticsDirty(ctx, marketplaceID, s.Now(), sellers...); err != nil {
		return nil, err
	}
	for _, acc := range dmca {
		if err := s.dmcaRule(ctx, tx, marketplaceID, acc); err != nil {
			return nil, fmt.Errorf("DMCA rule for %s: %w", acc, err)
		}
	}
	for _, r := range remedials {
		if err := s.Remedial(ctx, tx, marketplaceID, r.account, r.kind, r.eventID); err != nil {
			return nil, err
		}
	}
	if len(orders) == 0 {
		return nil, nil
	}
	frozen, err := tx.FrozenAccounts(ctx, marketplaceID, parties)
	if err != nil || len(frozen) == 0 {
		return nil, err
	}
	for i, o := range orders {
		for _, acc := range []string{o.BuyerID, o.SellerID} {
			if frozen[acc] {
				if err := s.orderOfFrozen(ctx, tx, marketplaceID, acc, o.OrderID, statuses[i]); err != nil {
					return nil, err
				}
			}
		}
	}
	return nil, nil
}

// lapsed puts an account whose PSP identity or business verification
// lapsed in front of a person, when the policy says so (R-E7). The
// verification level, and with it the level's benefits, follows the
// verification by itself.
func (s *Service) lapsed(ctx context.Context, tx *store.Tx, marketplaceID, accountID, kind, eventID string) error {
	pol, err := s.policy(ctx, marketplaceID)
	if err != nil || !pol.Enforcement.LapseCase {
		return err
	}
	return s.Holder.Hold(ctx, tx, check.Hold{MarketplaceID: marketplaceID, TargetType: "account", TargetID: accountID, AccountID: accountID,
		Source: "rule", Severity: policy.SeverityMedium, Codes: []string{"verification.lapsed"},
		Reason: fmt.Sprintf("The %s verification lapsed (event %s): the verification level's benefits ended; decide whether the account may continue.", kind, eventID),
		At:     s.Now()})
}

// orderOfFrozen keeps a frozen account's frozen orders in step with an
// order event: an order still in flight is frozen (one created despite the
// freeze, or not seen before), one that ended (delivered, cancelled,
// refunded) leaves the set.
func (s *Service) orderOfFrozen(ctx context.Context, tx *store.Tx, marketplaceID, accountID, orderID, status string) error {
	now := s.Now()
	if slices.Contains(InFlightStatuses(), status) {
		have, err := tx.FrozenOrders(ctx, marketplaceID, accountID)
		if err != nil || slices.Contains(have, orderID) {
			return err
		}
		if err := tx.FreezeOrders(ctx, marketplaceID, accountID, []string{orderID}, now); err != nil {
			return err
		}
		if err := s.notify(ctx, tx, marketplaceID, EventOrdersFrozen, map[string]any{"account_id": accountID, "orders": []string{orderID}, "at": now}); err != nil {
			return err
		}
	} else if _, err := tx.UnfreezeOrders(ctx, marketplaceID, accountID, orderID); err != nil {
		return err
	}
	return s.changed(ctx, tx, marketplaceID, accountID)
}

// dmcaRule applies the two automatic DMCA rules (R-E2): the policy's
// restrict_at accepted takedowns within its window restrict the account,
// suspend_at suspend it. Strikes older than the window no longer count;
// an account already at or above the rule's tier stays where it is.
func (s *Service) dmcaRule(ctx context.Context, tx *store.Tx, marketplaceID, accountID string) error {
	pol, err := s.policy(ctx, marketplaceID)
	if err != nil {
		return err
	}
	r := pol.Enforcement.DMCA
	now := s.Now()
	strikes, err := tx.AccountEventIDs(ctx, marketplaceID, accountID, "dmca.accepted", now.AddDate(0, -r.WindowMonths, 0))
	if err != nil {
		return err
	}
	target, threshold := "", 0
	switch n := len(strikes); {
	case n >= r.SuspendAt:
		target, threshold = Suspended, r.SuspendAt
	case n >= r.RestrictAt:
		target, threshold = Restricted, r.RestrictAt
	default:
		return nil
	}
	cur := Clear
	st, err := tx.EnforcementState(ctx, marketplaceID, accountID)
	if err == nil {
		cur = st.Tier
	} else if !isNotFound(err) {
		return err
	}
	if Rank(cur) >= Rank(target) {
		return nil
	}
	ground := "intellectual_property"
	if _, ok := pol.Enforcement.Grounds[ground]; !ok {
		ground = "other"
	}
	d := Decision{
		Reason: fmt.Sprintf("%d accepted DMCA takedowns within %d months; the policy moves an account with %d to %s.",
			len(strikes), r.WindowMonths, threshold, target),
		Ground: ground, Source: SourceDMCA, SourceRef: strikes[len(strikes)-1],
		Evidence: map[string]any{"strikes": strikes, "window_months": r.WindowMonths, "threshold": threshold},
	}
	_, _, err = s.SetTierTx(ctx, tx, marketplaceID, Automation("dmca"), accountID, target, d)
	return err
}
