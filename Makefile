# Two commands for a fresh machine:
#   make run    create the environment and serve the app on the bundled example at http://127.0.0.1:8501
#   make test   create the environment (and Debian's chromium) and run every test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# Many small matrix fits (statsmodels) run much faster single-threaded on a small machine.
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: run test test-fast bench lint browser clean

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Serves the app on this machine only (ADDRESS=0.0.0.0 to serve the network); open the printed URL yourself.
ADDRESS ?= 127.0.0.1
run: $(VENV)/.runtime
	@echo "Funnelcast: open http://$(ADDRESS):$(PORT) in your browser (Ctrl+C stops the app)"
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS) \
		--server.headless true --browser.gatherUsageStats false

# Browser tests drive Debian's chromium (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: $(VENV)/.dev browser
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -n 2 --dist loadfile

test-fast: $(VENV)/.dev
	$(PY) -m pytest -q -m "not e2e and not slow"

bench: $(VENV)/.dev
	$(PY) bench/funnel_speed.py
	$(PY) bench/capacity_speed.py
	$(PY) bench/pipeline_speed.py
	$(PY) bench/scorecard_speed.py
	$(PY) bench/clv_fit.py
	$(PY) bench/compare_four.py
	$(PY) bench/report_deck.py
	$(PY) bench/browser_latency.py
	@echo "M3 accuracy (about 7-10 minutes): $(PY) bench/m3_accuracy.py"

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache
