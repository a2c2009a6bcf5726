"""Names vulture reports as unused that are used, by something it cannot see: Qt, peewee,
peewee-migrate, yt-dlp, http.server, pytest. vulture only reads this file (`make lint`); it
matches by name, so each entry says whose name it is and who uses it.
tests/test_dead_code.py checks that every entry still silences a report."""

# -- Qt calls these (C++ virtuals and signal arguments) -------------------------------------
_.dragMoveEvent  # ui/main_window.py: a drag over the window
_.dropEvent  # ui/main_window.py: a drop on the window
_.columnCount  # ui/models/job_table.py: QAbstractItemModel, asked by the views
_.paintSection  # ui/job_header.py: QHeaderView, for each section it paints
_.textAlignment  # ui/job_header.py: a QStyleOptionHeader field the style reads
_.sortIndicator  # ui/job_header.py: a QStyleOptionHeader field the style reads
_.supportedDropActions  # ui/player/queue_model.py: asked by the queue view's drag and drop
_.supportedDragActions  # ui/player/queue_model.py: asked by the queue view's drag and drop
_.mimeTypes  # ui/player/queue_model.py: asked by the queue view's drag and drop

# -- peewee reads these: a model's Meta, and columns set by keyword (update(updated_at=...)) --
_.Meta  # core/models.py and migrations/001: a model's options
_.legacy_table_names  # core/models.py: table names in snake_case
_.indexes  # core/models.py and migrations/001: the models' unique indexes
# Columns of the schema (migrations/001) that the channel sync will read: removing them is
# a migration, not a clean-up.
_.subscribed  # Channel
_.channel_ref  # Video
# Issue 9's parts being built alongside (retention, cleanup, the channel browser) read
# these; each goes when the part that reads it is merged.
_.set_favourite  # core/video_actions.py

# -- peewee-migrate calls migrate(migrator, database, *, fake) and rollback(...) -------------
_.fake  # migrations/*.py: part of the hooks' signature

# -- yt-dlp's own YoutubeDL state, reset when a warm instance is lent to the next job ---------
_._download_retcode  # ytdl/warm.py
_._num_downloads  # ytdl/warm.py
_._num_videos  # ytdl/warm.py
_._playlist_level  # ytdl/warm.py
_._playlist_urls  # ytdl/warm.py
_._printed_messages  # ytdl/warm.py
_.format_selector  # ytdl/warm.py
_._progress_hooks  # ytdl/warm.py
_._post_hooks  # ytdl/warm.py
_._postprocessor_hooks  # ytdl/warm.py
_._pps  # ytdl/warm.py

# -- tests: the fake site's yt-dlp extractors (yt-dlp reads these) --------------------------
_.IE_NAME  # tests/plugins/yt_dlp_plugins/extractor/fakesite.py
_.IE_DESC  # tests/plugins/yt_dlp_plugins/extractor/fakesite.py
_._real_extract  # tests/plugins/yt_dlp_plugins/extractor/fakesite.py

# -- tests: the fake site's server (http.server reads and calls these) ----------------------
_.daemon_threads  # tests/fakesite/server.py: ThreadingHTTPServer
_.allow_reuse_address  # tests/fakesite/server.py: ThreadingHTTPServer
_.handle_error  # tests/fakesite/server.py: ThreadingHTTPServer
_.client_address  # tests/fakesite/server.py: handle_error's argument
_.protocol_version  # tests/fakesite/server.py: BaseHTTPRequestHandler
_.server_version  # tests/fakesite/server.py: BaseHTTPRequestHandler
_.log_message  # tests/fakesite/server.py: BaseHTTPRequestHandler
_.do_GET  # tests/fakesite/server.py: BaseHTTPRequestHandler
_.do_HEAD  # tests/fakesite/server.py: BaseHTTPRequestHandler
_.close_connection  # tests/fakesite/server.py: BaseHTTPRequestHandler

# -- tests: pytest and the standard library read these --------------------------------------
_._one_qapplication  # tests/conftest.py: an autouse fixture
_.quick_kind  # tests/test_job_layer.py: a fixture, asked for by name
_.big_home  # tests/test_ui_channel_models.py: a fixture, asked for by name
_.cycle_kind  # tests/test_manager.py: a fixture, asked for by name
_.fake_site_feeds  # tests/test_sync.py: a fixture, asked for by name
_.pytestmark  # tests/test_ui_*.py: the module's marks
_.optionxform  # tests/test_ui_app.py: configparser's key transform
