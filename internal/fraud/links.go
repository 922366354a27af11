package fraud

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/store"
)

// ConfirmLink records a person's confirmation that two accounts belong to
// the same person (or act together), with the confidence they give it.
// Both accounts' scores are refreshed: each now carries a share of the
// other's risk (R-F5).
func (s *Service) ConfirmLink(ctx context.Context, actor audit.Actor, marketplaceID, a, b string, confidence float64, note string) error {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "" || b == "":
		return fmt.Errorf("%w: both accounts are required", ErrInvalid)
	case a == b:
		return fmt.Errorf("%w: an account cannot be linked to itself", ErrInvalid)
	case confidence <= 0 || confidence > 1:
		return fmt.Errorf("%w: confidence must be above 0 and at most 1", ErrInvalid)
	case len(note) > 1000:
		return fmt.Errorf("%w: note longer than 1000 characters", ErrInvalid)
	}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		for _, id := range []string{a, b} {
			if _, err := tx.Entity(ctx, marketplaceID, "account", id); err != nil {
				return err
			}
		}
		now := s.Now()
		if err := tx.ConfirmLink(ctx, marketplaceID, a, b, store.AccountLink{Confidence: confidence, Note: note,
			CreatedBy: actor.Type + ":" + actor.ID, CreatedAt: now}); err != nil {
			return err
		}
		if err := tx.MarkDirty(ctx, marketplaceID, now, a, b); err != nil {
			return err
		}
		return tx.Audit(ctx, marketplaceID, actor, "account.link_confirmed", "account", a,
			map[string]any{"linked_account": b, "confidence": confidence, "note": note}, now)
	})
}

// RemoveLink deletes a confirmed link.
func (s *Service) RemoveLink(ctx context.Context, actor audit.Actor, marketplaceID, a, b string) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RemoveLink(ctx, marketplaceID, a, b); err != nil {
			return err
		}
		now := s.Now()
		if err := tx.MarkDirty(ctx, marketplaceID, now, a, b); err != nil {
			return err
		}
		return tx.Audit(ctx, marketplaceID, actor, "account.link_removed", "account", a, map[string]any{"linked_account": b}, now)
	})
}
