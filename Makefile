# Two commands matter:  `make run` (set up, open the app)  and  `make test` (set up, run every test).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSTEM_PACKAGES := xvfb xauth poppler-utils libreoffice-calc-nogui libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 \
  libfontconfig1 libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 \
  libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0

.PHONY: run lint test test-sqlite test-postgres bench system venv screenshots fonts clean

run: venv
	$(BIN)/kongthun

# The whole suite on SQLite (the embedded default), then the model-level suite again on a
# PostgreSQL server of its own (installed and started by installer/postgres_test_server.sh).
test: lint test-sqlite test-postgres

# ruff (style, imports, likely bugs) and mypy (types of the Qt-free code), as in pyproject.toml.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy

test-sqlite: venv
	@echo "== engine: sqlite (the whole suite)"
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider

test-postgres: venv
	@echo "== engine: postgresql (tests/models)"
	url=$$(installer/postgres_test_server.sh) && \
	  KONGTHUN_TEST_DATABASE_URL=$$url QT_QPA_PLATFORM=offscreen \
	  $(BIN)/python -m pytest -q -p no:cacheprovider tests/models

bench: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -s tests/benchmarks -m benchmark

screenshots: venv
	xvfb-run -a -s "-screen 0 1366x768x24" $(BIN)/python installer/screenshots.py docs/screenshots
	xvfb-run -a -s "-screen 0 1366x768x24" $(BIN)/python installer/meeting_screenshots.py docs/screenshots
	xvfb-run -a -s "-screen 0 1366x768x24" $(BIN)/python installer/fit_screenshots.py docs/screenshots
	xvfb-run -a -s "-screen 0 1366x768x24" $(BIN)/python installer/passbook_screenshots.py docs/screenshots
	xvfb-run -a -s "-screen 0 1366x768x24" $(BIN)/python installer/roles_screenshots.py docs/screenshots
	$(BIN)/python installer/pdf_screenshots.py docs/screenshots

# Debian libraries Qt needs even offscreen, plus Xvfb and pdftoppm for looking at what we draw.
system:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  echo "installing system packages: $$missing"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

venv: system $(STAMP)

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

fonts: venv
	cd resources/fonts && ../../$(BIN)/pyftmerge NotoSans-Regular.ttf NotoSansLao-Regular.ttf --output-file=KongthunPDF-Regular.ttf \
	  && ../../$(BIN)/pyftmerge NotoSans-Bold.ttf NotoSansLao-Bold.ttf --output-file=KongthunPDF-Bold.ttf

clean:
	rm -rf $(VENV) build *.egg-info
