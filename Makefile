# Tin phường: build, test and publish the ward news portal.
# The variables and targets are the ones pelican-quickstart gives, so
#   make html INPUTDIR=/path/to/other/content OUTPUTDIR=/tmp/out
# builds another content folder with its own registry.

PY ?= python3
VENV ?= $(CURDIR)/.venv
PELICAN ?= $(VENV)/bin/pelican
PELICANOPTS ?=

BASEDIR = $(CURDIR)
INPUTDIR ?= $(BASEDIR)/content
OUTPUTDIR ?= $(BASEDIR)/output
CONFFILE ?= $(BASEDIR)/pelicanconf.py
PUBLISHCONF ?= $(BASEDIR)/publishconf.py

PORT ?= 8000
SERVER ?= 127.0.0.1

DEBUG ?= 0
ifeq ($(DEBUG), 1)
	PELICANOPTS += -D
endif

RELATIVE ?= 0
ifeq ($(RELATIVE), 1)
	PELICANOPTS += --relative-urls
endif

# The virtualenv is (re)made when missing, broken or older than requirements.txt.
STAMP = $(VENV)/.requirements-installed

.DEFAULT_GOAL := help

help:
	@echo 'Tin phường — các lệnh make'
	@echo ''
	@echo '  make html         dựng content/ vào output/ (tự cài đặt lần đầu)'
	@echo '  make test         chạy toàn bộ kiểm thử'
	@echo '  make clean        xóa output/'
	@echo '  make regenerate   dựng lại mỗi khi tệp thay đổi'
	@echo '  make serve        xem output/ tại http://$(SERVER):$(PORT)'
	@echo '  make devserver    dựng lại khi lưu và phục vụ tại http://$(SERVER):$(PORT)'
	@echo '  make cms          máy chủ cục bộ cho trang soạn tin /admin/ (cùng make devserver)'
	@echo '  make publish      dựng bản chính thức (kiểm tra nghiêm) vào output/'
	@echo '  make bench [QUICK=1]   đo thời gian dựng (docs/performance.md)'
	@echo '  make bench-site        đo dung lượng trang và Lighthouse'
	@echo '  make lint         kiểm tra mã nguồn bằng ruff'
	@echo '  make import SRC=bai.txt [WARD="Nghi Hòa"]   nhập bản tin .txt/.docx thành bản nháp'
	@echo '  make new TITLE="..." WARD="..."             tạo bài mới'
	@echo '  make check [FORMAT=json]                    kiểm tra nội dung, không dựng trang'
	@echo '  make rsync_upload | github | s3_upload       đăng rồi đưa lên máy chủ (README: Deploying)'
	@echo ''
	@echo 'Biến: INPUTDIR, OUTPUTDIR, CONFFILE, PUBLISHCONF, PORT, SERVER, DEBUG=1, RELATIVE=1'

$(STAMP): requirements.txt
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Cần Python 3.11 trở lên (đang có: $$($(PY) --version))"; exit 1; }
	@$(VENV)/bin/python -c '' 2>/dev/null || { rm -rf $(VENV) && $(PY) -m venv $(VENV); }
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(STAMP)

# The CMS at /admin/ (docs/cms.md): its npm packages, pinned in
# cms/package-lock.json, installed as the virtualenv is.
NPM_STAMP = $(CURDIR)/cms/node_modules/.installed

$(NPM_STAMP): $(CURDIR)/cms/package-lock.json
	@command -v npm >/dev/null || { echo 'Cần Node.js và npm cho trang soạn tin: apt-get install nodejs npm'; exit 1; }
	cd "$(CURDIR)/cms" && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

html: $(STAMP) $(NPM_STAMP)
	$(PELICAN) "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

clean:
	rm -rf "$(OUTPUTDIR)" "$(OUTPUTDIR).releases"

regenerate: $(STAMP)
	$(PELICAN) -r "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

# Serves output/ as the web server does: pretty URLs, the site's 404 page
# (plugins/editor/serve.py).
serve: $(STAMP)
	@$(EDITOR_TOOLS) -m editor.serve "$(OUTPUTDIR)" --host $(SERVER) --port $(PORT)

# Rebuilds on save, reloads the open page (livereload), keeps running when a
# build fails; one Pelican process, so rebuilds reuse unchanged work.
devserver: $(STAMP) $(NPM_STAMP)
	@$(EDITOR_TOOLS) -m editor.devserver "$(INPUTDIR)" "$(OUTPUTDIR)" "$(CONFFILE)" --host $(SERVER) --port $(PORT)

# The CMS's local backend: decap-server on 127.0.0.1:8081 writing into this
# folder; open /admin/ of `make devserver` beside it (docs/cms.md).
cms: $(NPM_STAMP)
	cd "$(CURDIR)/cms" && PORT=8081 BIND_HOST=127.0.0.1 GIT_REPO_DIRECTORY="$(BASEDIR)" ./node_modules/.bin/decap-server

EDITOR_TOOLS = PYTHONPATH="$(BASEDIR)/plugins" $(VENV)/bin/python

import: $(STAMP)
	@test -n "$(SRC)" || { echo 'Cách dùng: make import SRC=duong/dan/ban-tin.txt [WARD="Nghi Hòa"]'; exit 2; }
	@$(EDITOR_TOOLS) -m editor import "$(SRC)" --content "$(INPUTDIR)" --ward "$(WARD)"

new: $(STAMP)
	@test -n "$(TITLE)" || { echo 'Cách dùng: make new TITLE="Tiêu đề" WARD="Nghi Hòa"'; exit 2; }
	@$(EDITOR_TOOLS) -m editor new --title "$(TITLE)" --ward "$(WARD)" --authors "$(AUTHORS)" --content "$(INPUTDIR)"

check: $(STAMP)
	@$(EDITOR_TOOLS) -m editor check "$(INPUTDIR)" --settings "$(CONFFILE)" $(if $(FORMAT),--format $(FORMAT))

# Content check, then deploy/publish.py: one publish at a time, a build into
# a new release with publishconf.py, every link checked, minify, fingerprint,
# precompress, and only then output/ switched to it (docs/deploy.md); a
# failure leaves the published site untouched.  Needs SITEURL.
publish: $(STAMP) $(NPM_STAMP) check
	$(VENV)/bin/python deploy/publish.py "$(INPUTDIR)" "$(OUTPUTDIR)" --settings "$(PUBLISHCONF)" --pelican "$(PELICAN)"

# --- Deploy targets (settings from the environment; see docs/deploy.md)
SSH_HOST ?=
SSH_PORT ?= 22
SSH_USER ?=
SSH_TARGET_DIR ?=
SSH_OPTS ?=
GITHUB_REMOTE ?= origin
GITHUB_PAGES_BRANCH ?= gh-pages

# Checksums decide what is sent; changed files are put in place together at
# the end (--delay-updates), removed ones deleted after that.
rsync_upload: publish
	@test -n "$(SSH_HOST)" -a -n "$(SSH_TARGET_DIR)" || { echo 'Cần SSH_HOST, SSH_USER, SSH_TARGET_DIR (docs/deploy.md)'; exit 2; }
	rsync -e "ssh -p $(SSH_PORT) $(SSH_OPTS)" -rlzc --delay-updates --delete-after --stats "$(OUTPUTDIR)/" "$(SSH_USER)@$(SSH_HOST):$(SSH_TARGET_DIR)"

github: publish
	$(VENV)/bin/ghp-import -m "Đăng trang $$(git rev-parse --short HEAD)" -b $(GITHUB_PAGES_BRANCH) --no-jekyll --push --remote "$(GITHUB_REMOTE)" "$(OUTPUTDIR)"

s3_upload: publish
	$(VENV)/bin/python deploy/s3_upload.py "$(OUTPUTDIR)"

test: $(STAMP) $(NPM_STAMP)
	$(VENV)/bin/python -m pytest $(PYTESTOPTS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

.PHONY: help venv cms html clean regenerate serve devserver publish test lint import new check rsync_upload github s3_upload

# Build benchmark (docs/performance.md): against vanilla Pelican and Hugo
# (Debian's hugo package). QUICK=1: N = 1,000 only.
bench: $(STAMP)
	$(VENV)/bin/python bench/run.py $(if $(filter 1,$(QUICK)),--quick) $(BENCHOPTS)

# Page weight and Lighthouse of the published site (docs/performance.md);
# needs nginx, chromium and npm (Lighthouse is pinned in bench/lighthouse/).
bench-site: $(STAMP)
	$(VENV)/bin/python bench/site_quality.py $(BENCHOPTS)

.PHONY: bench bench-site
