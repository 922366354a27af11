package app

import (
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/detect/text"
	"github.com/vigil-ts/vigil/internal/policy"
)

// textDetectors builds the text detectors for a policy: the built-in lists
// plus the domains, shorteners and blocklist the policy adds.
func textDetectors(p *policy.Policy) (check.TextScanner, error) {
	cfg := text.DefaultConfig()
	cfg.BlockedDomains = append(cfg.BlockedDomains, p.Links.BlockedDomains...)
	cfg.AllowedDomains = append(cfg.AllowedDomains, p.Links.AllowedDomains...)
	cfg.ProtectedDomains = append(cfg.ProtectedDomains, p.Links.ProtectedDomains...)
	cfg.Shorteners = append(cfg.Shorteners, p.Links.Shorteners...)
	cfg.Blocklist = append(cfg.Blocklist, p.Listing.Blocklist...)
	return text.New(cfg)
}
