-- Listing photos and their perceptual hashes (R-L4: the same photo reused
-- by another seller). Hashing happens off the decision path: a listing's
-- image rows start pending, a job fetches and hashes them.

-- +goose Up
-- One row per image of a listing. ref is the image's URL, or the id of an
-- uploaded image (img_…). hash is the 64-bit pHash stored as a signed
-- BIGINT (its bits, reinterpreted); status pending | hashed | failed.
CREATE TABLE listing_images (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    listing_id     TEXT NOT NULL,
    ref            TEXT NOT NULL,
    position       INTEGER NOT NULL,
    account_id     TEXT NOT NULL,
    status         TEXT NOT NULL,
    hash           BIGINT,
    error          TEXT NOT NULL DEFAULT '',
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (marketplace_id, listing_id, ref)
);
CREATE INDEX listing_images_ref ON listing_images (marketplace_id, ref);

-- Images uploaded as bytes. Only the hash and the bytes' SHA-256 are kept:
-- Vigil compares photos, it does not host them. The id is derived from the
-- SHA-256, so uploading the same bytes again returns the same id.
CREATE TABLE image_uploads (
    marketplace_id TEXT NOT NULL REFERENCES marketplaces (id),
    id             TEXT NOT NULL,
    hash           BIGINT NOT NULL,
    size           BIGINT NOT NULL,
    content_type   TEXT NOT NULL,
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (marketplace_id, id)
);

-- +goose Down
DROP TABLE image_uploads;
DROP TABLE listing_images;
