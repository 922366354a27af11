package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil-ts/vigil/internal/enforce"
)

type accountPath struct {
	ID string `path:"id" maxLength:"200"`
}

type capabilitiesOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         enforce.Capabilities
}

type profileInput struct {
	ID   string `path:"id" maxLength:"200"`
	View string `query:"view" enum:"public,holder" default:"public" doc:"public: what anyone may see; holder: adds what the account holder sees about their own standing."`
}

type profileOutput struct{ Body enforce.Profile }

// Enforcement is an account's enforcement record for the marketplace's
// own tooling.
type Enforcement struct {
	Capabilities    enforce.Capabilities     `json:"capabilities"`
	Timeline        []enforce.Action         `json:"timeline" doc:"Newest first."`
	Statements      []enforce.Statement      `json:"statements" doc:"Statements of reasons issued, newest first."`
	Recommendations []enforce.Recommendation `json:"recommendations" doc:"Recommendations about the account, newest first."`
}

type enforcementOutput struct{ Body Enforcement }

// ActingModerator names the person an API call decides for.
type ActingModerator struct {
	ModeratorID string `json:"moderator_id" minLength:"1" maxLength:"100" doc:"The console user taking the decision: every decision names its person (R-P6), and the ladder's role rules apply to them."`
}

type tierInput struct {
	ID   string `path:"id" maxLength:"200"`
	Body struct {
		ActingModerator
		Tier string `json:"tier" enum:"clear,warning,flagged,restricted,suspended,blocked"`
		enforce.Decision
	}
}

type sanctionInput struct {
	ID   string `path:"id" maxLength:"200"`
	Body struct {
		ActingModerator
		enforce.SanctionRequest
	}
}

type liftInput struct {
	ID         string `path:"id" maxLength:"200"`
	SanctionID string `path:"sanction_id" maxLength:"100"`
	Body       struct {
		ActingModerator
		enforce.Decision
	}
}

type resultOutput struct{ Body enforce.Enforced }

type recommendationsInput struct {
	Status    string `query:"status" enum:"pending,approved,rejected,all" default:"pending"`
	AccountID string `query:"account_id" maxLength:"200"`
	Limit     int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
}

type recommendationsOutput struct {
	Body struct {
		Items []enforce.Recommendation `json:"items"`
	}
}

type decideInput struct {
	ID   string `path:"id" maxLength:"100"`
	Body struct {
		ActingModerator
		Verdict string `json:"decision" enum:"approve,reject"`
		enforce.Decision
	}
}

type recommendationOutput struct{ Body enforce.Recommendation }

func (h *handlers) registerEnforcement(api huma.API) {
	tags := []string{"Enforcement"}
	huma.Register(api, huma.Operation{OperationID: "account-capabilities", Method: http.MethodGet, Path: "/v1/accounts/{id}/capabilities", Tags: tags,
		Summary: "What an account may do now",
		Description: "The account's tier, the sanctions in force with their expiry, and whether it may list, offer, message, buy, go live and " +
			"get early payout, the commission rate in force, what happens to its orders in flight (restricted: they may complete; suspended " +
			"or blocked: frozen) and which orders are frozen. Served from memory and dropped on every change in every process; an account " +
			"Vigil never enforced on is clear.", Security: secured()},
		func(ctx context.Context, in *accountPath) (*capabilitiesOutput, error) {
			c, err := h.Enforce.Capabilities(ctx, callerFrom(ctx).key.MarketplaceID, in.ID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &capabilitiesOutput{CacheControl: "no-store", Body: c}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "account-trust-profile", Method: http.MethodGet, Path: "/v1/accounts/{id}/trust-profile", Tags: tags,
		Summary: "An account's trust profile",
		Description: "view=public is safe to show anyone: member since, what is verified, and a generic note when the account was removed — " +
			"never a score, a tier, enforcement history, device data or reporter identities (R-P5). view=holder adds, for the account " +
			"holder's own eyes, the tier's banner or notice, the sanctions in force and whether and until when they can appeal.", Security: secured()},
		func(ctx context.Context, in *profileInput) (*profileOutput, error) {
			p, err := h.Enforce.TrustProfile(ctx, callerFrom(ctx).key.MarketplaceID, in.ID, in.View == "holder")
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &profileOutput{Body: p}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "account-enforcement", Method: http.MethodGet, Path: "/v1/accounts/{id}/enforcement", Tags: tags,
		Summary:     "An account's enforcement record",
		Description: "Capabilities, the enforcement timeline (every tier move and sanction with reason, ground, evidence, actor and source), the statements of reasons and the recommendations. For the marketplace's trust & safety tooling, never for public display.",
		Security:    secured()},
		func(ctx context.Context, in *accountPath) (*enforcementOutput, error) {
			mp := callerFrom(ctx).key.MarketplaceID
			var out Enforcement
			var err error
			if out.Capabilities, err = h.Enforce.Capabilities(ctx, mp, in.ID); err != nil {
				return nil, h.problem(ctx, err)
			}
			if out.Timeline, err = h.Enforce.Timeline(ctx, mp, in.ID, 200); err != nil {
				return nil, h.problem(ctx, err)
			}
			if out.Statements, err = h.Enforce.Statements(ctx, mp, in.ID, 100); err != nil {
				return nil, h.problem(ctx, err)
			}
			if out.Recommendations, err = h.Enforce.Recommendations(ctx, mp, "", in.ID, 100); err != nil {
				return nil, h.problem(ctx, err)
			}
			return &enforcementOutput{Body: out}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "set-tier", Method: http.MethodPost, Path: "/v1/accounts/{id}/tier", Tags: tags,
		Summary: "Move an account on the ladder",
		Description: "A person's decision (R-P2): the moderator's role must be at least the policy's role for the tier (enforcement.tier_roles); " +
			"lowering a tier needs enforcement.reverse_role. A restriction issues its statement of reasons at once (statement.issued). " +
			"Blocking a business user is scheduled after the notice period (P2B) unless termination_exception names one of the policy's exceptions.",
		Security: secured()},
		func(ctx context.Context, in *tierInput) (*resultOutput, error) {
			c := callerFrom(ctx)
			m, err := h.moderator(ctx, c, in.Body.ModeratorID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			r, err := h.Enforce.SetTier(ctx, c.key.MarketplaceID, enforce.Person(m.User, m.Via), in.ID, in.Body.Tier, in.Body.Decision)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &resultOutput{Body: r}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "impose-sanction", Method: http.MethodPost, Path: "/v1/accounts/{id}/sanctions", Tags: tags,
		Summary: "Impose a sanction",
		Description: "Loss of early payout, raised commission, loss of live selling, a temporary suspension (within the policy's limits) or a " +
			"permanent ban, with its statement of reasons. Logistics sanctions may name a remedial step whose remedial.completed event lifts them early.",
		DefaultStatus: http.StatusCreated, Security: secured()},
		func(ctx context.Context, in *sanctionInput) (*resultOutput, error) {
			c := callerFrom(ctx)
			m, err := h.moderator(ctx, c, in.Body.ModeratorID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			r, err := h.Enforce.Impose(ctx, c.key.MarketplaceID, enforce.Person(m.User, m.Via), in.ID, in.Body.SanctionRequest)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &resultOutput{Body: r}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "lift-sanction", Method: http.MethodPost, Path: "/v1/accounts/{id}/sanctions/{sanction_id}/lift", Tags: tags,
		Summary: "Lift a sanction early", Description: "Needs enforcement.reverse_role and a reason.", Security: secured()},
		func(ctx context.Context, in *liftInput) (*resultOutput, error) {
			c := callerFrom(ctx)
			m, err := h.moderator(ctx, c, in.Body.ModeratorID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			r, err := h.Enforce.Lift(ctx, c.key.MarketplaceID, enforce.Person(m.User, m.Via), in.ID, in.SanctionID, in.Body.Decision)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &resultOutput{Body: r}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "list-recommendations", Method: http.MethodGet, Path: "/v1/recommendations", Tags: tags,
		Summary:     "Tier and sanction recommendations",
		Description: "What moderators, rules, the risk score and the logistics rules recommended, for a person allowed to decide; pending ones by default.",
		Security:    secured()},
		func(ctx context.Context, in *recommendationsInput) (*recommendationsOutput, error) {
			status := in.Status
			if status == "all" {
				status = ""
			}
			items, err := h.Enforce.Recommendations(ctx, callerFrom(ctx).key.MarketplaceID, status, in.AccountID, in.Limit)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			out := &recommendationsOutput{}
			out.Body.Items = items
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "decide-recommendation", Method: http.MethodPost, Path: "/v1/recommendations/{id}/decision", Tags: tags,
		Summary:     "Approve or reject a recommendation",
		Description: "Approving applies the tier or sanction as the moderator's own decision (the role rules apply); rejecting needs the same role and a reason.",
		Security:    secured()},
		func(ctx context.Context, in *decideInput) (*recommendationOutput, error) {
			c := callerFrom(ctx)
			m, err := h.moderator(ctx, c, in.Body.ModeratorID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			r, err := h.Enforce.Decide(ctx, c.key.MarketplaceID, enforce.Person(m.User, m.Via), in.ID, in.Body.Verdict == "approve", in.Body.Decision)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			return &recommendationOutput{Body: r}, nil
		})
}
