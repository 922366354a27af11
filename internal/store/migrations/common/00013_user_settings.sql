-- Console users' own display settings (moderator wellbeing): whether
-- images in reported or held content stay blurred until revealed, and
-- whether they are shown in grayscale. No row means the defaults: blurred,
-- in colour.

-- +goose Up
CREATE TABLE user_settings (
    user_id     TEXT PRIMARY KEY REFERENCES users (id),
    -- 1 to blur images until the moderator reveals each one.
    blur_images INTEGER NOT NULL,
    -- 1 to show images in grayscale.
    grayscale   INTEGER NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- +goose Down
DROP TABLE user_settings;
