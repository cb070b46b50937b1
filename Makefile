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
	@echo '  make publish      dựng bản chính thức (kiểm tra nghiêm) vào output/'
	@echo '  make lint         kiểm tra mã nguồn bằng ruff'
	@echo ''
	@echo 'Biến: INPUTDIR, OUTPUTDIR, CONFFILE, PUBLISHCONF, PORT, SERVER, DEBUG=1, RELATIVE=1'

$(STAMP): requirements.txt
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Cần Python 3.11 trở lên (đang có: $$($(PY) --version))"; exit 1; }
	@$(VENV)/bin/python -c '' 2>/dev/null || { rm -rf $(VENV) && $(PY) -m venv $(VENV); }
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(STAMP)

html: $(STAMP)
	$(PELICAN) "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

clean:
	[ ! -d "$(OUTPUTDIR)" ] || rm -rf "$(OUTPUTDIR)"

regenerate: $(STAMP)
	$(PELICAN) -r "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS)

serve: $(STAMP)
	$(PELICAN) -l "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS) -p $(PORT) -b $(SERVER)

devserver: $(STAMP)
	$(PELICAN) -lr "$(INPUTDIR)" -o "$(OUTPUTDIR)" -s "$(CONFFILE)" $(PELICANOPTS) -p $(PORT) -b $(SERVER)

# Built beside output/ and swapped in only when the whole build succeeded:
# a failed publish leaves the previous site untouched.
publish: $(STAMP)
	rm -rf "$(OUTPUTDIR).new"
	$(PELICAN) "$(INPUTDIR)" -o "$(OUTPUTDIR).new" -s "$(PUBLISHCONF)" $(PELICANOPTS)
	rm -rf "$(OUTPUTDIR).old"
	[ ! -d "$(OUTPUTDIR)" ] || mv "$(OUTPUTDIR)" "$(OUTPUTDIR).old"
	mv "$(OUTPUTDIR).new" "$(OUTPUTDIR)"
	rm -rf "$(OUTPUTDIR).old"

test: $(STAMP)
	$(VENV)/bin/python -m pytest $(PYTESTOPTS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

.PHONY: help venv html clean regenerate serve devserver publish test lint

# Build benchmark (docs/performance.md). QUICK=1: N = 1,000 only.
bench: $(STAMP)
	$(VENV)/bin/python bench/run.py $(if $(filter 1,$(QUICK)),--quick) $(BENCHOPTS)

.PHONY: bench
