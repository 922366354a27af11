package enforce

import (
	"context"
	"time"
)

// Profile is an account's trust profile (R-E8, R-P5). Public is what
// anyone may see: generic, non-scoring facts. Holder, present only in the
// holder's view, is what the account holder sees about their own
// standing: the tier's banner or notice, sanctions in force and how to
// appeal. Neither carries a score, enforcement history, device data or
// reporter identities.
type Profile struct {
	AccountID string        `json:"account_id"`
	Public    PublicProfile `json:"public"`
	Holder    *HolderView   `json:"holder,omitempty" doc:"Only with view=holder: for the account holder's own eyes."`
}

// PublicProfile is the public-safe view of an account.
type PublicProfile struct {
	// MemberSince is the registration month, YYYY-MM.
	MemberSince string   `json:"member_since,omitempty" doc:"Registration month, YYYY-MM."`
	Verified    []string `json:"verified" doc:"What the account has verified: email, phone, identity, payment, business."`
	// Removed marks a banned or blocked account, with the generic note
	// the public sees.
	Removed bool   `json:"removed"`
	Notice  string `json:"notice,omitempty"`
}

// HolderView is what the account holder sees about their standing.
type HolderView struct {
	Tier string `json:"tier" enum:"clear,warning,flagged,restricted,suspended,blocked"`
	// Banner is the tier's notice text; empty when clear.
	Banner    string           `json:"banner,omitempty"`
	Sanctions []HolderSanction `json:"sanctions"`
	// AppealUntil is the last moment to appeal a block; other tiers above
	// clear can be appealed while they last.
	AppealUntil   time.Time `json:"appeal_until,omitzero"`
	CanAppeal     bool      `json:"can_appeal"`
	TerminationAt time.Time `json:"termination_at,omitzero" doc:"A scheduled termination after the notice period."`
}

// HolderSanction is a sanction as its holder sees it.
type HolderSanction struct {
	Kind        string    `json:"kind"`
	Description string    `json:"description"`
	Until       time.Time `json:"until,omitzero"`
	// Remedial is the step that lifts it early.
	Remedial string `json:"remedial,omitempty"`
}

// RemovedNotice is what the public sees of a removed account.
const RemovedNotice = "This account has been removed for violating the community guidelines."

// TrustProfile returns an account's trust profile; holder adds the
// holder's view.
func (s *Service) TrustProfile(ctx context.Context, marketplaceID, accountID string, holder bool) (Profile, error) {
	facts, err := s.DB.AccountFacts(ctx, marketplaceID, accountID)
	if err != nil {
		return Profile{}, err
	}
	st, err := s.Standing(ctx, marketplaceID, accountID)
	if err != nil {
		return Profile{}, err
	}
	now := s.Now()
	caps := Compute(accountID, st, now)
	p := Profile{AccountID: accountID, Public: PublicProfile{Verified: []string{}}}
	if facts.Found {
		p.Public.MemberSince = facts.RegisteredAt.Format("2006-01")
		p.Public.Verified = append(p.Public.Verified, facts.Verified...)
	}
	if caps.Access == "revoked" {
		p.Public.Removed, p.Public.Notice = true, RemovedNotice
	}
	if !holder {
		return p, nil
	}
	pol, err := s.policy(ctx, marketplaceID)
	if err != nil {
		return Profile{}, err
	}
	h := &HolderView{Tier: caps.Tier, Banner: pol.Enforcement.Notices[caps.Tier], Sanctions: []HolderSanction{}, TerminationAt: caps.TerminationAt,
		CanAppeal: caps.Tier != Clear || len(caps.Sanctions) > 0}
	for _, sn := range caps.Sanctions {
		desc, _ := scope("", sn.Kind)
		h.Sanctions = append(h.Sanctions, HolderSanction{Kind: sn.Kind, Description: desc, Until: sn.ExpiresAt, Remedial: sn.Remedial})
	}
	if caps.Tier == Blocked {
		since := st.TierSince
		if since.IsZero() || st.Tier != Blocked {
			since = st.TerminationAt
		}
		h.AppealUntil = since.Add(pol.Appeals.BlockedWindow.Std())
		h.CanAppeal = now.Before(h.AppealUntil)
	}
	p.Holder = h
	return p, nil
}
