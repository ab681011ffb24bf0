# Two commands: `make run` opens the kiosk on a demo event, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEMO ?= demo-event.db

.PHONY: run test lint bench installer clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP)
	test -f $(DEMO) || $(BIN)/python -m kiosk demo $(DEMO)
	$(BIN)/python main.py $(DEMO)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check kiosk tests
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m kiosk bench

installer: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,installer]'
	$(BIN)/pyinstaller build-installer.spec --noconfirm --distpath dist --workpath build

clean:
	rm -rf $(VENV) build dist *.egg-info
