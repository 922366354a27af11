package check

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/detect"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

// Masker hides findings' spans in a text.
type Masker interface {
	Mask(text string, fs []detect.Finding, codes ...string) string
}

// Message decides what happens to a message before it is delivered
// (R-M1–R-M3): allow, warn, mask (with the masked text), hold or block.
// data is the message.sent payload.
func (s *Service) Message(ctx context.Context, marketplaceID string, actor audit.Actor, data json.RawMessage, idempotencyKey string) (Decided, error) {
	if r, ok, err := s.replay(ctx, marketplaceID, idempotencyKey); ok || err != nil {
		return r, err
	}
	now := s.Now()
	ev, err := event.Parse(event.Envelope{ID: "check", Type: "message.sent", OccurredAt: now, Data: data}, now)
	if err != nil {
		return Decided{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	m := ev.Payload.(*event.MessageSent)
	eff, err := s.Policies.Get(ctx, marketplaceID)
	if err != nil {
		return Decided{}, err
	}
	pol := eff.Compiled.Policy("")
	exists, err := s.DB.ConversationExists(ctx, marketplaceID, m.ConversationID)
	if err != nil {
		return Decided{}, err
	}
	rate := pol.Message.NewConversations
	started, err := s.DB.NewConversations(ctx, marketplaceID, m.SenderID, now.Add(-rate.Window.Std()))
	if err != nil {
		return Decided{}, err
	}
	facts, err := s.DB.AccountFacts(ctx, marketplaceID, m.SenderID)
	if err != nil {
		return Decided{}, err
	}
	findings, det, err := s.scan(marketplaceID, eff, "", "text", m.Text)
	if err != nil {
		return Decided{}, err
	}
	if facts.Tier == "suspended" || facts.Tier == "blocked" {
		// R-E1: a suspended or blocked account's actions are paused.
		findings = append(findings, detect.Finding{Code: "account.suspended", Field: "sender_id", Value: facts.Tier,
			Detail: "The sender's account is " + facts.Tier + ": its marketplace actions are paused."})
	}
	if !exists && started >= int64(rate.Max) {
		findings = append(findings, detect.Finding{Code: "spam.rate_limit", Value: fmt.Sprint(started + 1),
			Threshold: fmt.Sprintf("%d new conversations per %s", rate.Max, rate.Window),
			Detail:    "The sender starts more new conversations than the policy allows."})
	}
	return s.finish(ctx, run{
		marketplaceID: marketplaceID, actor: actor, idempotencyKey: idempotencyKey, ev: ev, eff: eff, check: policy.CheckMessage,
		accountID: m.SenderID, findings: findings,
		vars: map[string]any{
			"message": map[string]any{"id": m.MessageID, "conversation_id": m.ConversationID, "sender_id": m.SenderID,
				"recipient_id": m.RecipientID, "text": m.Text, "conversation_new": !exists},
			"account": accountVars(m.SenderID, facts, now),
			"context": map[string]any{"new_conversations_last_hour": started},
		},
		apply: func(_ *store.Tx, d *Decided, dec policy.Decision) error {
			if dec.Outcome == policy.Mask {
				d.MaskedText = mask(det.scanner, m.Text, findings, dec)
			}
			return nil
		},
	})
}

// mask hides the findings whose own outcome is to mask (R-M1).
func mask(sc TextScanner, text string, findings []detect.Finding, dec policy.Decision) string {
	masker, ok := sc.(Masker)
	if !ok {
		return text
	}
	var codes []string
	for _, r := range dec.Reasons {
		if r.Finding != nil && r.Outcome == policy.Mask && !slices.Contains(codes, r.Finding.Code) {
			codes = append(codes, r.Finding.Code)
		}
	}
	return masker.Mask(text, findings, codes...)
}
