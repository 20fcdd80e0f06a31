"""Every SQL statement the repositories and the unit of work run.

Every statement is a constant; values always travel as ``?`` parameters. Pages whose
index is right whatever the data (an author's posts, an account's followers) name it
with ``INDEXED BY``, so statistics from ``ANALYZE`` on skewed data cannot turn them
into scans.
"""

INSERT_ACCOUNT = (
    "INSERT INTO accounts (id, handle, handle_key, created_at, display_name, bio, kind, "
    "verified, locked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
UPDATE_ACCOUNT = (
    "UPDATE accounts SET handle = ?2, handle_key = ?3, created_at = ?4, display_name = ?5, "
    "bio = ?6, kind = ?7, verified = ?8, locked = ?9 WHERE id = ?1"
)
ACCOUNT_BY_ID = (
    "SELECT id, handle, created_at, display_name, bio, kind, verified, locked FROM accounts "
    "WHERE id = ?"
)
ACCOUNT_BY_HANDLE = (
    "SELECT id, handle, created_at, display_name, bio, kind, verified, locked FROM accounts "
    "WHERE handle_key = ?"
)
ACCOUNTS_BY_IDS = (
    "SELECT id, handle, created_at, display_name, bio, kind, verified, locked FROM accounts "
    "WHERE id IN (SELECT value FROM json_each(?))"
)
ACCOUNT_PAGE = (
    "SELECT id, handle, created_at, display_name, bio, kind, verified, locked FROM accounts "
    "WHERE id > ? ORDER BY id LIMIT ?"
)
ACCOUNT_COUNTERS = "SELECT followers, following, posts FROM accounts WHERE id = ?"
MOVE_ACCOUNT_COUNTERS = (
    "UPDATE accounts SET followers = followers + ?, following = following + ?, posts = posts "
    "+ ? WHERE id = ?"
)
ACCOUNTS_PRESENT = "SELECT id FROM accounts WHERE id IN (?, ?)"
TOTAL = "SELECT n FROM totals WHERE name = ?"
MOVE_TOTAL = "UPDATE totals SET n = n + ? WHERE name = ?"
INSERT_POST = (
    "INSERT INTO posts (id, author_id, created_at, text, visibility, reply_root_id, "
    "reply_parent_id, reply_parent_author_id, reply_addressee_id, repost_root_id, "
    "repost_root_author_id, repost_via_id, repost_via_author_id, quote_of, language, "
    "content_warning, attachments, mentions, tags, reply_gate, quote_policy, hidden) VALUES "
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
UPDATE_POST = (
    "UPDATE posts SET created_at = ?3, text = ?4, visibility = ?5, language = ?15, "
    "content_warning = ?16, attachments = ?17, mentions = ?18, tags = ?19, reply_gate = ?20, "
    "quote_policy = ?21, hidden = ?22 WHERE id = ?1"
)
POST_BY_ID = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE id = ?"
)
POSTS_BY_IDS = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE id IN (SELECT value "
    "FROM json_each(?))"
)
DELETE_POST = "DELETE FROM posts WHERE id = ?"
BY_AUTHOR_DESC = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts INDEXED BY posts_by_author "
    "WHERE author_id = ? AND id >= ? AND id <= ? ORDER BY id DESC LIMIT ?"
)
BY_AUTHOR_ASC = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts INDEXED BY posts_by_author "
    "WHERE author_id = ? AND id >= ? AND id <= ? ORDER BY id LIMIT ?"
)
REPLIES_TO = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE reply_parent_id = ? "
    "ORDER BY id LIMIT ?"
)
IN_THREAD = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE reply_root_id = ? "
    "ORDER BY id"
)
REPOSTS_OF = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE repost_root_id = ? "
    "ORDER BY id LIMIT ?"
)
REPOST_BY = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE author_id = ? AND "
    "repost_root_id = ?"
)
QUOTES_OF = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE quote_of = ? ORDER BY "
    "id LIMIT ?"
)
WITH_TAG = (
    "SELECT p.id, p.author_id, p.created_at, p.text, p.visibility, p.reply_root_id, "
    "p.reply_parent_id, p.reply_parent_author_id, p.reply_addressee_id, p.repost_root_id, "
    "p.repost_root_author_id, p.repost_via_id, p.repost_via_author_id, p.quote_of, "
    "p.language, p.content_warning, p.attachments, p.mentions, p.tags, p.reply_gate, "
    "p.quote_policy, p.hidden FROM post_tags AS t JOIN posts AS p ON p.id = t.post_id WHERE "
    "t.tag = ? AND t.post_id >= ? AND t.post_id <= ? ORDER BY t.post_id DESC LIMIT ?"
)
MENTIONING = (
    "SELECT p.id, p.author_id, p.created_at, p.text, p.visibility, p.reply_root_id, "
    "p.reply_parent_id, p.reply_parent_author_id, p.reply_addressee_id, p.repost_root_id, "
    "p.repost_root_author_id, p.repost_via_id, p.repost_via_author_id, p.quote_of, "
    "p.language, p.content_warning, p.attachments, p.mentions, p.tags, p.reply_gate, "
    "p.quote_policy, p.hidden FROM post_mentions AS m JOIN posts AS p ON p.id = m.post_id "
    "WHERE m.account_id = ? AND m.post_id >= ? AND m.post_id <= ? ORDER BY m.post_id DESC "
    "LIMIT ?"
)
PUBLIC = {
    (True, True): (
        "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
        "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
        "repost_via_id, repost_via_author_id, quote_of, language, content_warning, "
        "attachments, mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE "
        "visibility = 'public' AND id >= ? AND id <= ? ORDER BY id DESC LIMIT ?"
    ),
    (False, True): (
        "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
        "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
        "repost_via_id, repost_via_author_id, quote_of, language, content_warning, "
        "attachments, mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE "
        "visibility = 'public' AND id >= ? AND id <= ? AND reply_root_id IS NULL ORDER BY id "
        "DESC LIMIT ?"
    ),
    (True, False): (
        "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
        "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
        "repost_via_id, repost_via_author_id, quote_of, language, content_warning, "
        "attachments, mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE "
        "visibility = 'public' AND id >= ? AND id <= ? AND repost_root_id IS NULL ORDER BY id"
        " DESC LIMIT ?"
    ),
    (False, False): (
        "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
        "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
        "repost_via_id, repost_via_author_id, quote_of, language, content_warning, "
        "attachments, mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE "
        "visibility = 'public' AND id >= ? AND id <= ? AND reply_root_id IS NULL AND "
        "repost_root_id IS NULL ORDER BY id DESC LIMIT ?"
    ),
}
SCAN = (
    "SELECT id, author_id, created_at, text, visibility, reply_root_id, reply_parent_id, "
    "reply_parent_author_id, reply_addressee_id, repost_root_id, repost_root_author_id, "
    "repost_via_id, repost_via_author_id, quote_of, language, content_warning, attachments, "
    "mentions, tags, reply_gate, quote_policy, hidden FROM posts WHERE id > ? ORDER BY id "
    "LIMIT ?"
)
POST_COUNTERS = "SELECT replies, reposts, quotes, likes FROM posts WHERE id = ?"
MOVE_REPLIES = "UPDATE posts SET replies = max(replies + ?, 0) WHERE id = ?"
MOVE_REPOSTS = "UPDATE posts SET reposts = max(reposts + ?, 0) WHERE id = ?"
MOVE_QUOTES = "UPDATE posts SET quotes = max(quotes + ?, 0) WHERE id = ?"
MOVE_LIKES = "UPDATE posts SET likes = max(likes + ?, 0) WHERE id = ?"
ANY_DANGLING = "SELECT EXISTS (SELECT 1 FROM dangling_refs)"
NOTE_DANGLING = "INSERT OR IGNORE INTO dangling_refs (post_id) VALUES (?)"
FORGET_DANGLING = "DELETE FROM dangling_refs WHERE post_id = ?"
RECOUNT_POST = (
    "UPDATE posts SET replies = (SELECT count(*) FROM posts AS r WHERE r.reply_parent_id = ?1), "
    "reposts = (SELECT count(*) FROM posts AS r WHERE r.repost_root_id = ?1), "
    "quotes = (SELECT count(*) FROM posts AS r WHERE r.quote_of = ?1) WHERE id = ?1"
)
INSERT_TAG = "INSERT OR IGNORE INTO post_tags (tag, post_id) VALUES (?, ?)"
DELETE_TAG = "DELETE FROM post_tags WHERE tag = ? AND post_id = ?"
INSERT_MENTION = "INSERT OR IGNORE INTO post_mentions (account_id, post_id) VALUES (?, ?)"
DELETE_MENTION = "DELETE FROM post_mentions WHERE account_id = ? AND post_id = ?"
DELETE_POST_LIKES = "DELETE FROM likes WHERE post_id = ?"
INSERT_FOLLOW = (
    "INSERT INTO follows (follower_id, followee_id, created_at, show_reposts, notify, "
    "languages) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)
REPLACE_FOLLOW = (
    "UPDATE follows SET created_at = ?3, show_reposts = ?4, notify = ?5, languages = ?6 WHERE"
    " follower_id = ?1 AND followee_id = ?2"
)
DELETE_FOLLOW = (
    "DELETE FROM follows WHERE follower_id = ? AND followee_id = ? RETURNING follower_id, "
    "followee_id, created_at, show_reposts, notify, languages"
)
GET_FOLLOW = (
    "SELECT follower_id, followee_id, created_at, show_reposts, notify, languages FROM "
    "follows WHERE follower_id = ? AND followee_id = ?"
)
FOLLOWERS_OF = (
    "SELECT follower_id, followee_id, created_at, show_reposts, notify, languages FROM "
    "follows INDEXED BY follows_by_followee WHERE followee_id = ? AND follower_id > ? "
    "ORDER BY follower_id LIMIT ?"
)
FOLLOWING_OF = (
    "SELECT follower_id, followee_id, created_at, show_reposts, notify, languages FROM "
    "follows WHERE follower_id = ? AND followee_id > ? ORDER BY followee_id LIMIT ?"
)
FOLLOWER_IDS = "SELECT follower_id FROM follows WHERE followee_id = ?"
FOLLOWING_IDS = "SELECT followee_id FROM follows WHERE follower_id = ?"
UPSERT_REQUEST = (
    "INSERT INTO follow_requests (follower_id, followee_id, created_at, show_reposts, notify,"
    " languages) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET created_at = "
    "excluded.created_at, show_reposts = excluded.show_reposts, notify = excluded.notify, "
    "languages = excluded.languages"
)
DELETE_REQUEST = (
    "DELETE FROM follow_requests WHERE follower_id = ? AND followee_id = ? RETURNING "
    "follower_id, followee_id, created_at, show_reposts, notify, languages"
)
GET_REQUEST = (
    "SELECT follower_id, followee_id, created_at, show_reposts, notify, languages FROM "
    "follow_requests WHERE follower_id = ? AND followee_id = ?"
)
REQUESTS_FOR = (
    "SELECT follower_id, followee_id, created_at, show_reposts, notify, languages FROM "
    "follow_requests INDEXED BY follow_requests_by_followee WHERE followee_id = ? "
    "AND follower_id > ? ORDER BY follower_id LIMIT ?"
)
UPSERT_BLOCK = (
    "INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO "
    "UPDATE SET created_at = excluded.created_at"
)
DELETE_BLOCK = (
    "DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ? RETURNING blocker_id, "
    "blocked_id, created_at"
)
GET_BLOCK = (
    "SELECT blocker_id, blocked_id, created_at FROM blocks WHERE blocker_id = ? AND blocked_id = ?"
)
BLOCKED_IDS = "SELECT blocked_id FROM blocks WHERE blocker_id = ?"
BLOCKER_IDS = "SELECT blocker_id FROM blocks WHERE blocked_id = ?"
UPSERT_MUTE = (
    "INSERT INTO mutes (muter_id, muted_id, created_at, expires_at, hide_notifications) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET created_at = excluded.created_at, "
    "expires_at = excluded.expires_at, hide_notifications = excluded.hide_notifications"
)
DELETE_MUTE = (
    "DELETE FROM mutes WHERE muter_id = ? AND muted_id = ? RETURNING muter_id, muted_id, "
    "created_at, expires_at, hide_notifications"
)
GET_MUTE = (
    "SELECT muter_id, muted_id, created_at, expires_at, hide_notifications FROM mutes WHERE "
    "muter_id = ? AND muted_id = ?"
)
MUTED_IDS = (
    "SELECT muted_id FROM mutes WHERE muter_id = ? AND (expires_at IS NULL OR expires_at > ?)"
)
INSERT_LIKE = "INSERT INTO likes (account_id, post_id, created_at) VALUES (?, ?, ?)"
DELETE_LIKE = (
    "DELETE FROM likes WHERE account_id = ? AND post_id = ? RETURNING account_id, post_id, "
    "created_at"
)
GET_LIKE = "SELECT account_id, post_id, created_at FROM likes WHERE account_id = ? AND post_id = ?"
LIKES_OF = (
    "SELECT account_id, post_id, created_at FROM likes WHERE post_id = ? AND account_id > ? "
    "ORDER BY account_id LIMIT ?"
)
POST_EXISTS = "SELECT 1 FROM posts WHERE id = ?"
ACCOUNT_EXISTS = "SELECT 1 FROM accounts WHERE id = ?"
FEED_ADD = (
    "INSERT INTO feed_entries (reader_id, post_id, author_id) VALUES (?, ?, ?) ON CONFLICT DO"
    " NOTHING"
)
FEED_GROW = (
    "INSERT INTO feed_sizes (reader_id, n) VALUES (?, ?) ON CONFLICT (reader_id) DO UPDATE "
    "SET n = n + excluded.n RETURNING n"
)
FEED_SHRINK = "UPDATE feed_sizes SET n = max(n - ?, 0) WHERE reader_id = ?"
FEED_SET_SIZE = "UPDATE feed_sizes SET n = ? WHERE reader_id = ?"
FEED_SIZE = "SELECT n FROM feed_sizes WHERE reader_id = ?"
FEED_TRIM = (
    "DELETE FROM feed_entries WHERE reader_id = ?1 AND post_id IN (SELECT post_id FROM "
    "feed_entries WHERE reader_id = ?1 ORDER BY post_id LIMIT ?2)"
)
FEED_REMOVE_POST = "DELETE FROM feed_entries WHERE reader_id = ? AND post_id = ?"
FEED_REMOVE_AUTHOR = "DELETE FROM feed_entries WHERE reader_id = ? AND author_id = ?"
FEED_CLEAR = "DELETE FROM feed_entries WHERE reader_id = ?"
FEED_FORGET_SIZE = "DELETE FROM feed_sizes WHERE reader_id = ?"
FEED_READ_DESC = (
    "SELECT post_id FROM feed_entries WHERE reader_id = ? AND post_id >= ? AND post_id <= ? "
    "ORDER BY post_id DESC LIMIT ?"
)
FEED_READ_ASC = (
    "SELECT post_id FROM feed_entries WHERE reader_id = ? AND post_id >= ? AND post_id <= ? "
    "ORDER BY post_id LIMIT ?"
)
