package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vigil-ts/vigil/internal/detect/imagehash"
)

type uploadInput struct {
	RawBody []byte `contentType:"image/*"`
}

// Upload is an uploaded image as the API returns it.
type Upload struct {
	ID          string    `json:"id" doc:"Refer to the image in a listing as {\"id\": \"img_…\"}."`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size" doc:"Bytes."`
	Width       int       `json:"width"`
	Height      int       `json:"height"`
	CreatedAt   time.Time `json:"created_at"`
}

type uploadOutput struct {
	Status int
	Body   Upload
}

// ListingImage is one photo of a listing and the state of its hashing.
type ListingImage struct {
	Ref      string `json:"ref" doc:"The image's URL or upload id."`
	Position int    `json:"position"`
	Status   string `json:"status" enum:"pending,hashed,failed" doc:"pending: waiting to be fetched and hashed; failed: see error."`
	Hash     string `json:"hash,omitempty" doc:"64-bit perceptual hash, hex."`
	Error    string `json:"error,omitempty"`
	// UpdatedAt is when the status last changed.
	UpdatedAt time.Time `json:"updated_at"`
}

type listingImagesOutput struct {
	Body struct {
		Images []ListingImage `json:"images"`
	}
}

func (h *handlers) registerImages(api huma.API) {
	tags := []string{"Checks"}
	huma.Register(api, huma.Operation{OperationID: "upload-image", Method: http.MethodPost, Path: "/v1/images", Tags: tags,
		Summary: "Upload a listing photo to compare with other sellers' photos",
		Description: "Send the image bytes (JPEG, PNG, GIF or WebP) as the request body. Vigil keeps the photo's perceptual hash, " +
			"not its pixels, and answers with an id to use in a listing's `images` instead of a URL; then the reused-photo check " +
			"runs while the listing is decided. Uploading the same bytes again returns the same id (200 instead of 201).",
		DefaultStatus: http.StatusCreated, Security: secured(), MaxBodyBytes: imagehash.MaxBytes},
		func(ctx context.Context, in *uploadInput) (*uploadOutput, error) {
			c := callerFrom(ctx)
			u, created, err := h.Checks.Upload(ctx, c.key.MarketplaceID, c.actor(), in.RawBody)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			out := &uploadOutput{Status: http.StatusOK, Body: Upload{ID: u.ID, ContentType: u.ContentType, Size: u.Size,
				Width: u.Width, Height: u.Height, CreatedAt: u.CreatedAt}}
			if created {
				out.Status = http.StatusCreated
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "listing-images", Method: http.MethodGet, Path: "/v1/listings/{id}/images", Tags: tags,
		Summary: "A listing's photos and whether each is hashed yet", Security: secured()},
		func(ctx context.Context, in *idInput) (*listingImagesOutput, error) {
			mp := callerFrom(ctx).key.MarketplaceID
			if _, err := h.DB.ListingState(ctx, mp, in.ID); err != nil {
				return nil, h.problem(ctx, err)
			}
			ims, err := h.DB.ListingImages(ctx, mp, in.ID)
			if err != nil {
				return nil, h.problem(ctx, err)
			}
			out := &listingImagesOutput{}
			out.Body.Images = make([]ListingImage, len(ims))
			for i, im := range ims {
				li := ListingImage{Ref: im.Ref, Position: im.Position, Status: im.Status, Error: im.Error, UpdatedAt: im.UpdatedAt}
				if im.Status == "hashed" {
					li.Hash = fmt.Sprintf("%016x", im.Hash)
				}
				out.Body.Images[i] = li
			}
			return out, nil
		})
}
