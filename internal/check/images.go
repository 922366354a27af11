package check

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/detect"
	"github.com/vigil-ts/vigil/internal/detect/imagehash"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/listing"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

// Reused photos (R-L4). A listing's images are stored as rows; an image
// whose hash is known (an upload, or a URL already hashed) is compared
// with other sellers' photos while the listing is decided. A URL not seen
// before is fetched and hashed by a job, never on the decision path; when
// its hash matches another seller's photo, a follow-up decision holds the
// listing for review.

// ImageCode is the finding code of a photo that another seller uses.
const ImageCode = "duplicate.image"

// StatusChangedEvent is the webhook of every listing status move but the
// check's own answer (package listing sends it).
const StatusChangedEvent = listing.EventStatusChanged

// imageContentTypes are the accepted upload formats, as sniffed.
var errNotImage = errors.New("not a JPEG, PNG, GIF or WebP image")

// imageKey is a listing image's id in the index.
func imageKey(listingID, ref string) string { return listingID + "\n" + ref }

// imageListing returns the listing id of an index key.
func imageListing(key string) string {
	id, _, _ := strings.Cut(key, "\n")
	return id
}

// Upload hashes an image sent as bytes and stores its hash (not its
// pixels). The id is derived from the bytes, so the same upload twice
// returns the same image (created false).
func (s *Service) Upload(ctx context.Context, marketplaceID string, actor audit.Actor, data []byte) (store.ImageUpload, bool, error) {
	ctype := http.DetectContentType(data)
	switch ctype {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
	default:
		return store.ImageUpload{}, false, fmt.Errorf("%w: %w (the bytes look like %s)", ErrInvalid, errNotImage, ctype)
	}
	h, err := imagehash.HashBytes(data)
	if err != nil {
		return store.ImageUpload{}, false, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return store.ImageUpload{}, false, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	sum := sha256.Sum256(data)
	u := store.ImageUpload{ID: "img_" + hex.EncodeToString(sum[:16]), Hash: h, Size: int64(len(data)), ContentType: ctype,
		Width: cfg.Width, Height: cfg.Height, CreatedAt: s.Now()}
	var created bool
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		if created, err = tx.CreateImageUpload(ctx, marketplaceID, u); err != nil || !created {
			return err
		}
		return tx.Audit(ctx, marketplaceID, actor, "image.uploaded", "image", u.ID,
			map[string]any{"sha256": hex.EncodeToString(sum[:]), "bytes": u.Size, "content_type": ctype}, u.CreatedAt)
	})
	if err != nil {
		return store.ImageUpload{}, false, err
	}
	if !created {
		u, err = s.DB.ImageUpload(ctx, marketplaceID, u.ID)
	}
	return u, created, err
}

// knownImages returns the listing's images whose hashes are known now.
func (s *Service) knownImages(ctx context.Context, marketplaceID string, l *event.ListingUpserted) ([]store.ListingImage, error) {
	var out []store.ListingImage
	for i, im := range l.Images {
		k, err := s.DB.KnownImage(ctx, marketplaceID, im.Ref())
		if err != nil {
			return nil, err
		}
		if k.Status == store.ImageFailed && store.IsUploadRef(k.Ref) {
			return nil, fmt.Errorf("%w: %w", ErrInvalid, &event.FieldError{Field: fmt.Sprintf("images[%d].id", i), Msg: k.Error})
		}
		if k.Status == store.ImageHashed {
			k.Position = i
			out = append(out, k)
		}
	}
	return out, nil
}

// imageDuplicates reports photos of the listing that another seller's
// listing shows too.
func imageDuplicates(pol *policy.Policy, m *marketIndex, listingID, accountID string, known []store.ListingImage) []detect.Finding {
	var out []detect.Finding
	maxDist := pol.Listing.Duplicates.ImageDistance
	for _, im := range known {
		var refs []string
		for _, match := range m.imageIndex().Query(im.Hash, maxDist, accountID) {
			if other := imageListing(match.ID); other != listingID && !slices.Contains(refs, other) {
				refs = append(refs, other)
			}
		}
		if len(refs) == 0 {
			continue
		}
		out = append(out, detect.Finding{Code: ImageCode, Field: fmt.Sprintf("images[%d]", im.Position), Value: im.Ref,
			Match: refs[0], Threshold: fmt.Sprintf("at most %d of 64 bits differ", maxDist), Refs: refs,
			Detail: fmt.Sprintf("This photo is also on %d listing(s) of another seller (first: %s).", len(refs), refs[0])})
	}
	return out
}

// registerImages stores the listing's image rows inside tx and queues the
// URLs not hashed before for hashing (the URLs of one commit share a job).
// It returns what to change in the index once tx has committed.
func (s *Service) registerImages(ctx context.Context, tx *store.Tx, marketplaceID string, l *event.ListingUpserted) (added []store.ListingImage, removed []string, err error) {
	refs := make([]string, len(l.Images))
	for i, im := range l.Images {
		refs[i] = im.Ref()
	}
	added, removed, err = tx.SetListingImages(ctx, marketplaceID, l.ListingID, l.AccountID, refs, s.Now())
	if err != nil {
		return nil, nil, err
	}
	for _, im := range added {
		if im.Status != store.ImagePending {
			continue
		}
		if err := s.enqueue(tx, HashImagesArgs{MarketplaceID: marketplaceID, Refs: []string{im.Ref}}); err != nil {
			return nil, nil, err
		}
	}
	return added, removed, nil
}

// enqueue queues a job inside tx.
func (s *Service) enqueue(tx *store.Tx, args river.JobArgs) error {
	if s.Queue == nil {
		return errors.New("image checks need a job queue")
	}
	tx.QueueJob(s.Queue, args, nil)
	return nil
}

// indexImages applies registerImages' result to the marketplace's index.
func indexImages(m *marketIndex, listingID, accountID string, added []store.ListingImage, removed []string) {
	for _, ref := range removed {
		m.imageIndex().Remove(imageKey(listingID, ref))
	}
	for _, im := range added {
		if im.Status == store.ImageHashed {
			m.imageIndex().Add(imageKey(listingID, im.Ref), accountID, im.Hash)
		}
	}
}

// HashImagesArgs is the job that fetches and hashes image URLs of a
// marketplace, each for every listing showing it. The URLs queued in one
// commit share a job (see Merge): a job per URL cost a sixth of a listing
// decision on SQLite.
type HashImagesArgs struct {
	MarketplaceID string   `json:"marketplace_id"`
	Refs          []string `json:"refs"`
}

// Kind names the job type.
func (HashImagesArgs) Kind() string { return "image_hash_batch" }

// InsertOpts retries a job with failing fetches a few times.
func (HashImagesArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: imageAttempts}
}

// Merge adds other's URLs to the job if it is another hashing job of the
// same marketplace and the sum stays within maxJobRefs.
func (a HashImagesArgs) Merge(other river.JobArgs) (river.JobArgs, bool) {
	o, ok := other.(HashImagesArgs)
	if !ok || o.MarketplaceID != a.MarketplaceID || len(a.Refs)+len(o.Refs) > maxJobRefs {
		return a, false
	}
	refs := slices.Clone(a.Refs)
	for _, r := range o.Refs {
		if !slices.Contains(refs, r) {
			refs = append(refs, r)
		}
	}
	a.Refs = refs
	return a, true
}

// maxJobRefs bounds the URLs of one hashing job, fetched fetchConcurrency
// at a time.
const (
	maxJobRefs       = 32
	fetchConcurrency = 8
)

// HashImageArgs is the job that hashed one URL, as earlier versions queued
// it; jobs still waiting in a database are run as before.
type HashImageArgs struct {
	MarketplaceID string `json:"marketplace_id"`
	Ref           string `json:"ref"`
}

// Kind names the job type.
func (HashImageArgs) Kind() string { return "image_hash" }

// imageAttempts bounds the fetches of one URL (about 20 minutes with
// River's default backoff): a photo host down for longer is not worth
// more load, and the listing stays decided on its other evidence.
const imageAttempts = 5

// maxImageBytes bounds a fetched image; larger ones are refused unread.
const maxImageBytes = imagehash.MaxBytes

// MatchImagesArgs is the job that compares an ingested listing's photos,
// whose hashes were known when it arrived, with other sellers' photos.
// (Listings sent to the check API are compared while they are decided.)
type MatchImagesArgs struct {
	MarketplaceID string `json:"marketplace_id"`
	ListingID     string `json:"listing_id"`
}

// Kind names the job type.
func (MatchImagesArgs) Kind() string { return "image_match" }

// ImageWorker returns the River worker that hashes image URLs.
func (s *Service) ImageWorker() river.Worker[HashImagesArgs] { return &imageWorker{s: s} }

// LegacyImageWorker returns the worker of the one-URL jobs that earlier
// versions queued.
func (s *Service) LegacyImageWorker() river.Worker[HashImageArgs] { return &legacyImageWorker{s: s} }

// MatchWorker returns the River worker that compares ingested listings'
// known photos.
func (s *Service) MatchWorker() river.Worker[MatchImagesArgs] { return &matchWorker{s: s} }

type matchWorker struct {
	river.WorkerDefaults[MatchImagesArgs]
	s *Service
}

func (w *matchWorker) Work(ctx context.Context, job *river.Job[MatchImagesArgs]) error {
	ims, err := w.s.DB.ListingImages(ctx, job.Args.MarketplaceID, job.Args.ListingID)
	if err != nil {
		return err
	}
	hashed := slices.DeleteFunc(ims, func(im store.ListingImage) bool { return im.Status != store.ImageHashed })
	return w.s.imageHashed(ctx, job.Args.MarketplaceID, hashed)
}

type imageWorker struct {
	river.WorkerDefaults[HashImagesArgs]
	s *Service
}

// Timeout allows each round of fetchConcurrency fetches the fetch client's
// own limit, and a minute to store the results.
func (w *imageWorker) Timeout(job *river.Job[HashImagesArgs]) time.Duration {
	rounds := (len(job.Args.Refs) + fetchConcurrency - 1) / fetchConcurrency
	return time.Minute + time.Duration(rounds)*FetchTimeout
}

func (w *imageWorker) Work(ctx context.Context, job *river.Job[HashImagesArgs]) error {
	return w.s.hashImages(ctx, job.Args.MarketplaceID, job.Args.Refs, job.Attempt >= job.MaxAttempts)
}

type legacyImageWorker struct {
	river.WorkerDefaults[HashImageArgs]
	s *Service
}

func (w *legacyImageWorker) Timeout(*river.Job[HashImageArgs]) time.Duration {
	return time.Minute + FetchTimeout
}

func (w *legacyImageWorker) Work(ctx context.Context, job *river.Job[HashImageArgs]) error {
	return w.s.hashImages(ctx, job.Args.MarketplaceID, []string{job.Args.Ref}, job.Attempt >= job.MaxAttempts)
}

// FetchTimeout is the limit of one image fetch; the app builds the
// fetch client with it.
const FetchTimeout = 30 * time.Second

// hashImages fetches and hashes those of refs that are still pending (a
// retry skips the ones done before), fetchConcurrency at a time, and
// stores every result in one transaction. A fetch that failed for good
// is recorded on the images, as is any failure on the last attempt; other
// failures are returned, for the job to be retried.
func (s *Service) hashImages(ctx context.Context, marketplaceID string, refs []string, last bool) error {
	type result struct {
		hash    uint64
		err     error
		skipped bool
	}
	results := make([]result, len(refs))
	sem := make(chan struct{}, fetchConcurrency)
	var wg sync.WaitGroup
	for i, ref := range refs {
		pending, err := s.DB.ImagePending(ctx, marketplaceID, ref)
		if err != nil {
			wg.Wait()
			return err
		}
		if !pending {
			results[i].skipped = true
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			h, err := s.fetchHash(ctx, ref)
			results[i] = result{hash: h, err: err}
		})
	}
	wg.Wait()
	var hashed []store.ListingImage
	var retry []error
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		hashed, retry = nil, nil
		for i, r := range results {
			var perm *permanentError
			switch {
			case r.skipped:
			case r.err == nil:
				rows, err := tx.RecordImageHash(ctx, marketplaceID, refs[i], r.hash, s.Now())
				if err != nil {
					return err
				}
				hashed = append(hashed, rows...)
			case errors.As(r.err, &perm) || last:
				if err := tx.RecordImageFailure(ctx, marketplaceID, refs[i], r.err.Error(), s.Now()); err != nil {
					return err
				}
			default:
				retry = append(retry, fmt.Errorf("%s: %w", refs[i], r.err))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := s.imageHashed(ctx, marketplaceID, hashed); err != nil {
		return err
	}
	return errors.Join(retry...)
}

// permanentError is a fetch failure that retrying will not fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// fetchHash downloads an image through the SSRF-guarded client and hashes it.
func (s *Service) fetchHash(ctx context.Context, url string) (uint64, error) {
	if s.Fetch == nil {
		return 0, &permanentError{errors.New("image fetching is not configured")}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, &permanentError{err}
	}
	req.Header.Set("Accept", "image/jpeg, image/png, image/gif, image/webp")
	req.Header.Set("User-Agent", "Vigil-ImageHash/1")
	resp, err := s.Fetch.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return 0, fmt.Errorf("image host answered %s", resp.Status)
	case resp.StatusCode != http.StatusOK:
		return 0, &permanentError{fmt.Errorf("image host answered %s", resp.Status)}
	case resp.ContentLength > maxImageBytes:
		return 0, &permanentError{fmt.Errorf("image of %d bytes, limit %d", resp.ContentLength, maxImageBytes)}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxImageBytes+1))
	if err != nil {
		return 0, err
	}
	if len(data) > maxImageBytes {
		return 0, &permanentError{fmt.Errorf("image larger than %d bytes", maxImageBytes)}
	}
	h, err := imagehash.HashBytes(data)
	if err != nil {
		return 0, &permanentError{err}
	}
	return h, nil
}

// imageHashed adds newly hashed images to the index and holds each listing
// whose photo another seller's listing shows.
func (s *Service) imageHashed(ctx context.Context, marketplaceID string, rows []store.ListingImage) error {
	m, err := s.ix.market(ctx, marketplaceID)
	if err != nil {
		return err
	}
	byListing := map[string][]store.ListingImage{}
	var order []string
	for _, im := range rows {
		m.imageIndex().Add(imageKey(im.ListingID, im.Ref), im.AccountID, im.Hash)
		if _, ok := byListing[im.ListingID]; !ok {
			order = append(order, im.ListingID)
		}
		byListing[im.ListingID] = append(byListing[im.ListingID], im)
	}
	for _, id := range order {
		if err := s.recheckImages(ctx, marketplaceID, m, id, byListing[id]); err != nil {
			return fmt.Errorf("listing %s: %w", id, err)
		}
	}
	return nil
}

// copiedFrom keeps, of each finding's matching listings, those created
// before the listing itself: the photo's first user is not the copier,
// and a follow-up must not hold the genuine seller's listing.
func (s *Service) copiedFrom(ctx context.Context, marketplaceID string, st store.ListingState, findings []detect.Finding) ([]detect.Finding, error) {
	out := findings[:0]
	for _, f := range findings {
		var refs []string
		for _, id := range f.Refs {
			other, err := s.DB.ListingState(ctx, marketplaceID, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if other.CreatedAt.Before(st.CreatedAt) {
				refs = append(refs, id)
			}
		}
		if len(refs) > 0 {
			f.Refs, f.Match = refs, refs[0]
			f.Detail = fmt.Sprintf("This photo is also on %d earlier listing(s) of another seller (first: %s).", len(refs), refs[0])
			out = append(out, f)
		}
	}
	return out, nil
}

// outcomeRank orders listing outcomes by severity, so that a follow-up
// decision only ever makes a listing's status stricter.
func outcomeRank(o string) int {
	switch o {
	case policy.Approved:
		return 1
	case policy.ChangesRequested:
		return 2
	case policy.PendingReview:
		return 3
	case policy.Rejected:
		return 4
	}
	return 0
}

// recheckImages stores a follow-up decision for a listing whose newly
// hashed photos match another seller's: the finding, its review item, and
// a stricter status (with a webhook) if the listing was approved.
func (s *Service) recheckImages(ctx context.Context, marketplaceID string, m *marketIndex, listingID string, ims []store.ListingImage) error {
	st, err := s.DB.ListingState(ctx, marketplaceID, listingID)
	if err != nil {
		return err
	}
	eff, err := s.Policies.Get(ctx, marketplaceID)
	if err != nil {
		return err
	}
	pol := eff.Compiled.Policy(st.Category)
	findings, err := s.copiedFrom(ctx, marketplaceID, st, imageDuplicates(pol, m, listingID, st.AccountID, ims))
	if err != nil || len(findings) == 0 {
		return err
	}
	dec := eff.Compiled.Outcome(policy.CheckListing, st.Category, findings, nil)
	res := Decided{DecisionID: s.NewID(), Outcome: dec.Outcome, Findings: findings, Reasons: dec.Reasons, RuleHits: nonNilHits(nil),
		PolicyVersion: eff.Version, CreatedAt: s.Now()}
	input, err := json.Marshal(map[string]any{"listing_id": listingID, "images": ims})
	if err != nil {
		return err
	}
	actor := audit.Actor{Type: audit.ActorSystem, ID: "image-hash"}
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if st.Status == policy.Approved && outcomeRank(dec.Outcome) > outcomeRank(st.Status) {
			res.Status = dec.Outcome
			if _, err := s.Listings.Apply(ctx, tx, marketplaceID, listingID, listing.Move{To: res.Status, Actor: listing.ActorFollowUp,
				Reason: ImageCode, Clause: firstClause(dec.Reasons), Ref: res.DecisionID}); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, marketplaceID, actor, store.Decision{Kind: FollowUpKind, SubjectType: "listing", SubjectID: listingID,
			AccountID: st.AccountID, Category: st.Category}, input, res, dec, pol)
	})
}

// FollowUpKind is the kind of a decision taken after a listing's first
// one, when evidence arrives later (a photo hashed off the decision path).
const FollowUpKind = "listing_followup"
