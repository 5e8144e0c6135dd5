# Awaaz: `make run` starts the whole system locally, `make test` runs the whole gate.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export AWS_EC2_METADATA_DISABLED := true
PORT ?= 8000
MOTO_PORT ?= 5000
WEB_PORT ?= 8080

.PHONY: run test lint typecheck bench simulate package template checkov seed-aws staff-aws rotate-pii-key job clean browser totp fonts insights-train insights-predict insights-eval insights-models insights-spikes
# The browser tests drive Debian's chromium (Playwright's own browser download is not reachable).
CHROMIUM ?= /usr/bin/chromium

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

# The Urdu font the page ships (Noto Nastaliq Urdu), from the npm registry, pinned, cut down by fontTools
# (requirements-dev.txt) to what Urdu text uses: its letters, Urdu and Arabic digits, punctuation and the
# direction marks (159 → 105 KB a weight); and to the six letters of the English page's "آواز" and "اردو" (2 KB).
# Defined before `run` and `test`: make expands a rule's prerequisites where it reads the rule.
URDU_FONT := @fontsource/noto-nastaliq-urdu@5.3.0
URDU_TEXT := U+0020-007E,U+00A0,U+00AB,U+00BB,U+060C,U+0610-0615,U+061B,U+061F,U+0621-063A,U+0640-0655,U+0660-066D,U+0670,U+0679,U+067E,U+0686,U+0688,U+0691,U+0698,U+06A9,U+06AF,U+06BA,U+06BE,U+06C0-06C3,U+06CC,U+06D0,U+06D2-06D4,U+06F0-06F9,U+200C-200F,U+2010-2027,U+202A-202E,U+2066-2069,U+FDF2,U+FDFA-FDFD
URDU_WORDS := U+0622,U+0627,U+062F,U+0631-0632,U+0648
FONTS := web/fonts/.subset

fonts: $(FONTS)

$(FONTS): $(STAMP)
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; }
	@rm -rf build/font && mkdir -p build/font web/fonts
	cd build/font && npm pack --silent $(URDU_FONT) >/dev/null && tar xzf *.tgz
	for w in 400 700; do \
	  $(VENV)/bin/pyftsubset build/font/package/files/noto-nastaliq-urdu-arabic-$$w-normal.woff2 --unicodes="$(URDU_TEXT)" \
	    --layout-features='*' --flavor=woff2 --output-file=web/fonts/noto-nastaliq-urdu-arabic-$$w-normal.woff2 || exit 1; \
	  $(VENV)/bin/pyftsubset build/font/package/files/noto-nastaliq-urdu-arabic-$$w-normal.woff2 --unicodes="$(URDU_WORDS)" \
	    --layout-features='*' --flavor=woff2 --output-file=web/fonts/nastaliq-words-$$w.woff2 || exit 1; \
	done
	cp build/font/package/LICENSE web/fonts/
	@touch $(FONTS)

# Leaflet (BSD-2-Clause), the map the filing form opens to pin a place, from the npm registry, pinned.
# The page loads it only when the citizen opens the map.
LEAFLET := leaflet@1.9.4
LEAFLET_DIR := web/vendor/leaflet
MAP := $(LEAFLET_DIR)/.installed

$(MAP):
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; }
	@rm -rf build/leaflet $(LEAFLET_DIR) && mkdir -p build/leaflet $(LEAFLET_DIR)
	cd build/leaflet && npm pack --silent $(LEAFLET) >/dev/null && tar xzf *.tgz
	cp -r build/leaflet/package/dist/leaflet.js build/leaflet/package/dist/leaflet.css build/leaflet/package/dist/images build/leaflet/package/LICENSE $(LEAFLET_DIR)/
	@touch $(MAP)

run: $(STAMP) $(FONTS) $(MAP)
	PORT=$(PORT) MOTO_PORT=$(MOTO_PORT) WEB_PORT=$(WEB_PORT) exec $(PY) -m local.stack

# Run one scheduled job once against the running `make run` stack, as if the clock read AT:
#   make job NAME=deadlines AT=2026-12-25T09:00:00Z
job: $(STAMP)
	@test -n "$(NAME)" || { echo "usage: make job NAME=<scheduled job, e.g. deadlines> [AT=<ISO time>]"; exit 2; }
	$(PY) -m local.scheduler "$(NAME)" $(AT)

# Score and flag every row of a CSV of counts (series,period,count) against its own past (issue 15):
#   make insights-spikes IN=counts.csv OUT=spikes.csv
insights-spikes: $(STAMP)
	@test -n "$(IN)" -a -n "$(OUT)" || { echo "usage: make insights-spikes IN=<csv> OUT=<csv>"; exit 2; }
	@$(PY) -m chalicelib.insights.spikes_tool "$(IN)" "$(OUT)"

# The authenticator code the demo officers and admins type at sign-in (local stack only).
totp: $(STAMP)
	@$(PY) -m local.totp

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check app.py chalicelib

typecheck: $(STAMP)
	$(VENV)/bin/mypy app.py chalicelib local tests bench infra

# axe-core, the accessibility checker the browser tests run on every page, from the npm registry, pinned.
AXE := build/axe/package/axe.min.js

$(AXE):
	@rm -rf build/axe && mkdir -p build/axe
	cd build/axe && npm pack --silent axe-core@4.10.3 >/dev/null && tar xzf *.tgz

# Debian's chromium for the browser tests, installed when missing (root, or sudo without a password).
browser:
	@test -x $(CHROMIUM) || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The gate on both cores (one worker per test file: a browser test file shares one stack), then the
# slow-network budget alone, so that nothing else running on the machine skews its timings (it prints
# its figures: the README quotes them).
BUDGET := tests/e2e/test_web_speed.py

# The tests read the template `template` has just built (tests/integration/conftest.py) instead of
# building it again in each worker.
test: $(STAMP) $(FONTS) $(MAP) $(AXE) lint typecheck browser template
	AWAAZ_PACKAGED_TEMPLATE=build/package/sam.json CHROMIUM=$(CHROMIUM) $(PY) -m pytest -q -p no:cacheprovider -n 2 --dist loadfile --ignore $(BUDGET)
	CHROMIUM=$(CHROMIUM) $(PY) -m pytest -q -s -p no:cacheprovider $(BUDGET)

bench: $(STAMP)
	$(PY) -m bench.run

# A national burst and one complaint's whole life through the real logic, metered as DynamoDB bills (bench/simulate.py)
simulate: $(STAMP)
	$(PY) -m bench.simulate

package: $(STAMP)
	rm -rf build/chalice build/package
	AWS_DEFAULT_REGION=ap-south-1 $(VENV)/bin/chalice package --stage prod build/chalice
	$(PY) infra/build_template.py --generated build/chalice/sam.json build/merge.json
	AWS_DEFAULT_REGION=ap-south-1 $(VENV)/bin/chalice package --stage prod --merge-template build/merge.json build/package
	$(PY) infra/precompile.py build/package/deployment.zip
	$(VENV)/bin/cfn-lint build/package/sam.json

# checkov (Apache-2.0), the template's security checks, pinned, in its own virtualenv: its many
# dependencies never meet the product's. docs/deploy.md says what it checks and why each suppression.
CHECKOV_VERSION := 3.3.30
CHECKOV_VENV := build/checkov-venv
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION)
# No network at scan time (the guideline links it would fetch); only the failures, one line each.
RUN_CHECKOV := BC_SKIP_MAPPING=TRUE $(CHECKOV_VENV)/bin/checkov --framework cloudformation --quiet --compact --skip-download --file
TEMPLATE ?= build/package/sam.json

$(CHECKOV_STAMP):
	rm -rf $(CHECKOV_VENV)
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check checkov==$(CHECKOV_VERSION)
	@touch $@

# The template in the gate: build it (cfn-lint included), then checkov; any finding fails.
template: package $(CHECKOV_STAMP)
	$(RUN_CHECKOV) build/package/sam.json
	$(VENV)/bin/cfn-lint infra/cloudfront_waf.json
	$(RUN_CHECKOV) infra/cloudfront_waf.json

# checkov alone, on any template: make checkov TEMPLATE=<file>
checkov: $(CHECKOV_STAMP)
	$(RUN_CHECKOV) $(TEMPLATE)

# Load infra/seed/directory.json into a deployed stack's table (operator's AWS credentials); with
# MODELS=<the stack's ModelsBucketName output>, also upload the shipped classifiers (docs/insights.md).
seed-aws: $(STAMP)
	@test -n "$(TABLE)" || { echo "usage: make seed-aws TABLE=<the stack's TableName output>"; exit 2; }
	$(PY) infra/seed_directory.py --table "$(TABLE)" $(if $(FORCE),--force) $(if $(MODELS),--models-bucket "$(MODELS)")

# Create a staff account (the first admin, or an officer) in a deployed stack (operator's AWS credentials;
# PII_KEY: the stack's PiiKey parameter). See docs/deploy.md.
staff-aws: $(STAMP)
	@test -n "$(STACK)" -a -n "$(EMAIL)" -a -n "$(NAME)" || { echo 'usage: make staff-aws STACK=<stack> EMAIL=<e-mail> NAME="<name>" [ROLE=admin|officer OFFICE=<office id>]'; exit 2; }
	$(PY) infra/staff_account.py --stack "$(STACK)" --email "$(EMAIL)" --name "$(NAME)" --role "$(or $(ROLE),admin)" $(if $(OFFICE),--office "$(OFFICE)")

# A new PII key version, made current; every older one still opens what it sealed (docs/security.md)
rotate-pii-key: $(STAMP)
	@test -n "$(STACK)" || { echo 'usage: make rotate-pii-key STACK=<stack>'; exit 2; }
	$(PY) infra/rotate_pii_key.py --stack "$(STACK)"

# The text classifier (docs/insights.md): train a category model from a CSV (text,category), suggest
# categories for a CSV (id,text), evaluate the shipped method, rebuild the shipped artefacts.
insights-train: $(STAMP)
	@test -n "$(IN)" -a -n "$(MODEL)" || { echo "usage: make insights-train IN=<csv with text,category> MODEL=<dir>"; exit 2; }
	@$(PY) -m chalicelib.insights.tool train --in "$(IN)" --model "$(MODEL)"

insights-predict: $(STAMP)
	@test -n "$(IN)" -a -n "$(MODEL)" -a -n "$(OUT)" || { echo "usage: make insights-predict MODEL=<dir> IN=<csv with id,text> OUT=<csv>"; exit 2; }
	@$(PY) -m chalicelib.insights.tool predict --model "$(MODEL)" --in "$(IN)" --out "$(OUT)"

insights-eval: $(STAMP)
	@$(PY) -m chalicelib.insights.tool eval

insights-models: $(STAMP)
	@$(PY) -m chalicelib.insights.tool models

clean:
	rm -rf build .mypy_cache .ruff_cache .pytest_cache
