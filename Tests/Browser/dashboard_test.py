"""The dashboard in a real browser (Debian's Chromium driven by Selenium) against a live
`railyard server` that scripts/dashboard-test starts with no admin: the first admin made on the
setup page with the server's setup token, sign in, a project made with the keyboard alone and a
service, a variable set, a CLI deploy whose build log arrives in the open page, a rollback from
the page, a viewer invited on the workspace page who joins in their own browser, has no write
controls and whose forged write is refused, a POST without the CSRF token refused, a domain and
its traffic on the metrics page as it happens, no Content-Security-Policy violation and no
unlabelled control on any page, and a page at a phone's width. With RAILYARD_SCREENSHOTS=DIR it
saves a screenshot of every page there.

The tests run in order (their names are numbered) and share the server's state, as a user's
session would: each builds on the one before.
"""

import http.client
import json
import os
import subprocess
import sys
import unittest
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ["RAILYARD_BASE"]
BINARY = os.environ["RAILYARD_BINARY"]
EMAIL = "admin@example.com"
PASSWORD = "dashboard password"
# The one-time token a new server writes to its data folder, for its first admin.
SETUP_TOKEN_FILE = os.environ["RAILYARD_SETUP_TOKEN_FILE"]
FIXTURE = os.environ["RAILYARD_FIXTURE_APP"]
WORK = os.environ["RAILYARD_WORK"]
SCREENSHOTS = os.environ.get("RAILYARD_SCREENSHOTS", "")
# Builds and deploys are real: generous, since CI's two cores also run the rest of the suite.
SLOW = 240


def browser(phone=False):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    # --no-sandbox: CI runs as root, and Chromium refuses root with its sandbox on.
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--force-device-scale-factor=1", "--lang=en-US"):
        options.add_argument(argument)
    if phone:
        # A phone's viewport (a headless window is never narrower than 500 px).
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 1}})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver: Selenium Manager would try to download one.
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


def cli(*arguments, home="admin", check=True):
    """The railyard CLI as a user runs it, with its own config folder per person."""
    environment = dict(os.environ, RAILYARD_SERVER=BASE, XDG_CONFIG_HOME=os.path.join(WORK, "cli-" + home))
    done = subprocess.run([BINARY, *arguments], env=environment, capture_output=True, text=True, timeout=SLOW)
    if check and done.returncode != 0:
        raise AssertionError(f"railyard {' '.join(arguments)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


class Dashboard(unittest.TestCase):
    admin = None
    viewer = None
    service_url = None
    violations = []

    @classmethod
    def setUpClass(cls):
        cls.admin = browser()

    @classmethod
    def tearDownClass(cls):
        for driver in (cls.admin, cls.viewer):
            if driver:
                driver.quit()

    # Helpers

    def wait(self, driver, condition, what, timeout=30):
        def safe(d):
            try:
                return condition(d)
            except StaleElementReferenceException:
                return False
            except WebDriverException as error:
                # A live part swapped in while it was read (chromedriver says so this way too).
                if "does not belong to the document" in str(error):
                    return False
                raise
        try:
            return WebDriverWait(driver, timeout, poll_frequency=0.2).until(safe)
        except Exception:
            self.fail(f"waited {timeout} s for {what}; the page at {driver.current_url} says:\n"
                      + driver.find_element(By.TAG_NAME, "body").text[-3000:])

    def visited(self, driver, name):
        """After a page loads: no CSP violation so far, every control labelled, a screenshot."""
        for entry in driver.get_log("browser"):
            if "Content Security Policy" in entry.get("message", ""):
                self.violations.append(entry["message"])
        self.assertEqual(self.violations, [], "the page broke the Content-Security-Policy")
        unlabelled = driver.execute_script("""
            return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter(e =>
                !e.getAttribute('aria-label') && !e.closest('label') &&
                !(e.id && document.querySelector('label[for="' + e.id + '"]'))).map(e => e.outerHTML)""")
        self.assertEqual(unlabelled, [], "controls without a label")
        if SCREENSHOTS:
            driver.save_screenshot(os.path.join(SCREENSHOTS, name + ".png"))

    def fill(self, driver, field_id, text):
        field = driver.find_element(By.ID, field_id)
        field.clear()
        field.send_keys(text)
        return field

    def heading(self, driver):
        return driver.find_element(By.TAG_NAME, "h1").text

    def sign_in(self, driver, email, password):
        driver.get(BASE + "/")
        self.wait(driver, lambda d: d.current_url.endswith("/login"), "the sign-in page")
        self.fill(driver, "email", email)
        self.fill(driver, "password", password)
        driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
        self.wait(driver, lambda d: self.heading(d) == "Projects", "the projects page after signing in")

    def fetch(self, driver, method, path, body, headers=None):
        """A request from the page's own script (same origin, its cookies): its status."""
        return driver.execute_async_script("""
            const [method, path, body, headers, done] = arguments;
            fetch(path, {method, body, credentials: 'same-origin', redirect: 'manual',
                         headers: Object.assign({'Content-Type': 'application/x-www-form-urlencoded'}, headers)})
              .then(r => done(r.status), e => done('error: ' + e));""", method, path, body, headers or {})

    def deployment_rows(self, driver):
        return driver.execute_script("""
            return [...document.querySelectorAll('#deployments tbody tr')].map(r => ({
                id: r.dataset.deployment, status: r.querySelector('.status').textContent.trim(),
                source: r.children[1].textContent.trim(), rollback: !!r.querySelector('form')}))""")

    # The steps

    def test_0_the_first_admin_in_the_browser(self):
        driver = self.admin
        driver.get(BASE + "/")
        # A new server: signing in leads to the setup page.
        self.wait(driver, lambda d: d.current_url.endswith("/setup"), "the setup page")
        self.visited(driver, "setup")
        self.fill(driver, "setup-token", "rys_not-the-token")
        self.fill(driver, "email", EMAIL)
        self.fill(driver, "password", PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "form[action='/setup'] button[type=submit]").click()
        self.wait(driver, lambda d: "not valid" in d.find_element(By.CSS_SELECTOR, "[role=alert]").text, "the refusal")
        with open(SETUP_TOKEN_FILE) as file:
            token = file.read().strip()
        self.fill(driver, "setup-token", token)
        self.fill(driver, "password", PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "form[action='/setup'] button[type=submit]").click()
        self.wait(driver, lambda d: self.heading(d) == "Projects", "the projects page of the new admin")
        # Signed out again: the next step signs in.
        driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
        self.wait(driver, lambda d: d.current_url.endswith("/login"), "the sign-in page after signing out")

    def test_1_sign_in(self):
        driver = self.admin
        driver.get(BASE + "/login")
        self.visited(driver, "login")
        # A wrong password is refused on the page, and gives no session.
        self.fill(driver, "email", EMAIL)
        self.fill(driver, "password", "not the password")
        driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
        self.wait(driver, lambda d: "wrong" in d.find_element(By.CSS_SELECTOR, "[role=alert]").text, "the refusal")
        self.assertIsNone(driver.get_cookie("railyard_session"))
        self.sign_in(driver, EMAIL, PASSWORD)
        cookie = driver.get_cookie("railyard_session")
        self.assertTrue(cookie and cookie["httpOnly"] and cookie["sameSite"] == "Lax", cookie)
        self.visited(driver, "projects-empty")

    def test_2_create_project_and_service(self):
        driver = self.admin
        # With the keyboard alone: Tab to the new project's name, type it, Enter.
        body = driver.find_element(By.TAG_NAME, "body")
        body.click()
        for _ in range(30):
            if driver.execute_script("return document.activeElement.id") == "project-name":
                break
            driver.switch_to.active_element.send_keys(Keys.TAB)
        self.assertEqual(driver.execute_script("return document.activeElement.id"), "project-name", "Tab never reached the form")
        outline = driver.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
        self.assertNotEqual(outline, "none", "the focused field shows no focus")
        driver.switch_to.active_element.send_keys("shop", Keys.ENTER)
        self.wait(driver, lambda d: "/projects/" in d.current_url and self.heading(d) == "shop", "the new project's page")
        self.visited(driver, "project-empty")
        self.fill(driver, "service-name", "web")
        driver.find_element(By.CSS_SELECTOR, "form[action$='/services'] button[type=submit]").click()
        self.wait(driver, lambda d: "/services/" in d.current_url and self.heading(d) == "web", "the new service's page")
        type(self).service_url = driver.current_url
        # The CLI sees what the browser made.
        cli("login", "--email", EMAIL, "--password", PASSWORD)
        services = json.loads(cli("service", "list", "--project", "shop", "--json").stdout)
        self.assertIn("web", [s["name"] for s in services], services)

    def test_3_set_a_variable(self):
        driver = self.admin
        driver.get(self.service_url)
        self.fill(driver, "variable-name", "GREETING")
        self.fill(driver, "variable-value", "hello <b>world</b>")
        driver.find_element(By.CSS_SELECTOR, "#set-variable button[type=submit]").click()
        # Shown as text, not markup (read in a wait: the live part may be swapped while it is read).
        self.wait(driver, lambda d: "GREETING hello <b>world</b>" in d.find_element(By.ID, "variables").text, "the variable in the table")
        kv = cli("variables", "--service", "web", "--project", "shop", "--environment", "production", "--kv").stdout
        self.assertIn("GREETING=hello <b>world</b>", kv)

    def test_4_a_cli_deploy_streams_its_build_log_into_the_open_page(self):
        driver = self.admin
        driver.get(self.service_url)
        self.wait(driver, lambda d: d.execute_script("return document.body.dataset.watch") == "1", "a watched page")
        self.assertEqual(self.deployment_rows(driver), [])
        # Deployed from elsewhere while the page stays open: nothing is clicked or reloaded.
        marker = driver.execute_script("window.notReloaded = true; return 1")
        self.assertEqual(marker, 1)
        cli("up", FIXTURE, "--service", "web", "--project", "shop", "--environment", "production", "--detach",
            "--message", "first deploy")
        self.wait(driver, lambda d: len(self.deployment_rows(d)) == 1, "the new deployment in the open page", timeout=60)
        self.wait(driver, lambda d: "[build]" in d.find_element(By.ID, "log-lines").text, "build lines in the page", timeout=SLOW)
        if SCREENSHOTS:
            driver.save_screenshot(os.path.join(SCREENSHOTS, "service-logs.png"))
        self.wait(driver, lambda d: self.deployment_rows(d)[0]["status"] == "SUCCESS", "the deployment to succeed", timeout=SLOW)
        self.wait(driver, lambda d: "[deploy" in d.find_element(By.ID, "log-lines").text, "deploy lines in the page", timeout=60)
        self.assertTrue(driver.execute_script("return window.notReloaded === true"), "the page was reloaded")
        # The controls that need a serving deployment came with it.
        self.wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#service-actions form[action*='/restart']"),
                  "the restart control once the deployment serves")
        self.visited(driver, "service")

    def test_5_roll_back_from_the_page(self):
        driver = self.admin
        first = self.deployment_rows(driver)[0]["id"]
        cli("redeploy", "--service", "web", "--project", "shop", "--environment", "production")
        self.wait(driver, lambda d: len(self.deployment_rows(d)) == 2 and self.deployment_rows(d)[0]["status"] == "SUCCESS",
                  "the redeploy in the open page", timeout=SLOW)
        self.wait(driver, lambda d: any(r["id"] == first and r["rollback"] for r in self.deployment_rows(d)),
                  "a roll-back button on the first deployment", timeout=60)
        driver.find_element(By.CSS_SELECTOR, f"tr[data-deployment='{first}'] form button").click()
        self.wait(driver, lambda d: any(r["source"].startswith("rollback") for r in self.deployment_rows(d)),
                  "the rollback deployment")
        self.wait(driver, lambda d: self.deployment_rows(d)[0]["source"].startswith("rollback")
                  and self.deployment_rows(d)[0]["status"] == "SUCCESS", "the rollback to serve", timeout=SLOW)
        listed = json.loads(cli("deployment", "list", "--service", "web", "--project", "shop", "--environment",
                                "production", "--json").stdout)
        self.assertEqual(listed[0]["source"], "rollback", listed[0])
        self.visited(driver, "service-rolled-back")
        driver.find_element(By.CSS_SELECTOR, "nav.crumbs a[href^='/projects/']").click()
        self.wait(driver, lambda d: self.heading(d) == "shop" and "SUCCESS" in d.find_element(By.ID, "service-list").text,
                  "the project page with its serving service")
        self.visited(driver, "project")

    def test_6_a_viewer_sees_no_write_control_and_a_forged_write_is_refused(self):
        # Invited on the workspace page, accepted in the viewer's own browser.
        admin = self.admin
        admin.get(BASE + "/")
        admin.find_element(By.CSS_SELECTOR, "a[href^='/workspaces/']").click()
        self.wait(admin, lambda d: d.find_elements(By.ID, "invite-email"), "the workspace page")
        self.visited(admin, "workspace")
        self.fill(admin, "invite-email", "viewer@example.com")
        admin.find_element(By.CSS_SELECTOR, "#invite-role option[value=viewer]").click()
        admin.find_element(By.CSS_SELECTOR, "#invite button[type=submit]").click()
        link = self.wait(admin, lambda d: d.find_element(By.ID, "invite-link").text, "the invite link")
        self.assertIn("/invites/accept?token=ryi_", link)
        type(self).viewer = driver = browser()
        driver.get(link)
        self.wait(driver, lambda d: self.heading(d) == "Join a workspace", "the invite page")
        self.visited(driver, "invite")
        self.fill(driver, "password", "viewer password 1")
        driver.find_element(By.CSS_SELECTOR, "form[action='/invites/accept'] button[type=submit]").click()
        self.wait(driver, lambda d: self.heading(d) == "Projects", "the viewer signed in")
        driver.get(self.service_url)
        self.wait(driver, lambda d: self.heading(d) == "web", "the service page for the viewer")
        self.assertEqual(driver.find_elements(By.CSS_SELECTOR, "main form"), [], "a viewer is shown write controls")
        self.assertIn("GREETING", driver.find_element(By.ID, "variables").text)
        self.assertNotIn("hello", driver.find_element(By.ID, "variables").text, "a viewer sees variable values")
        # A forged write with the viewer's own valid CSRF token: the API's rule refuses it.
        csrf = driver.find_element(By.CSS_SELECTOR, "meta[name=csrf-token]").get_attribute("content")
        # The form's address as a member's page has it: the service's, in the shown environment.
        path = driver.execute_script(
            "return document.querySelector('nav.tabs a[aria-current=page]').getAttribute('href').replace('?', '/variables?')")
        self.assertIn("environmentId=", path)
        status = self.fetch(driver, "POST", path, f"_csrf={csrf}&name=FORGED&value=1")
        self.assertEqual(status, 403)
        kv = cli("variables", "--service", "web", "--project", "shop", "--environment", "production", "--kv").stdout
        self.assertNotIn("FORGED", kv)
        self.visited(driver, "service-viewer")

    def test_7_a_post_without_the_csrf_token_is_refused(self):
        driver = self.admin
        driver.get(BASE + "/")
        self.assertEqual(self.fetch(driver, "POST", "/projects", "name=nocsrf"), 403)
        self.assertEqual(self.fetch(driver, "POST", "/projects", "name=wrongcsrf&_csrf=" + "0" * 64), 403)
        driver.get(BASE + "/")
        self.assertNotIn("nocsrf", driver.find_element(By.ID, "project-list").text)
        self.assertNotIn("wrongcsrf", driver.find_element(By.ID, "project-list").text)
        self.visited(driver, "projects")

    def test_8_a_domain_and_its_traffic_on_the_metrics_page(self):
        driver = self.admin
        driver.get(self.service_url)
        self.wait(driver, lambda d: d.find_elements(By.ID, "add-domain"), "the domain form")
        driver.find_element(By.CSS_SELECTOR, "#add-domain button[type=submit]").click()
        link = self.wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#domains a[href^='http']"), "the generated domain")
        address = urllib.parse.urlsplit(link[0].get_attribute("href"))
        # Through the edge, as a visitor would (the name is the app's; the edge is local).
        for _ in range(25):
            connection = http.client.HTTPConnection("127.0.0.1", address.port, timeout=30)
            connection.request("GET", "/", headers={"Host": address.netloc})
            answer = connection.getresponse()
            self.assertEqual(answer.status, 200, answer.read()[:200])
            answer.read()
            connection.close()
        driver.find_element(By.CSS_SELECTOR, "a.metrics-link").click()
        self.wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#metrics .figures"), "the metrics page's figures")
        requests = lambda d: int(d.find_element(By.CSS_SELECTOR, ".figures div:first-child dd").text)
        self.assertGreaterEqual(requests(driver), 25)
        self.assertTrue(driver.find_elements(By.CSS_SELECTOR, "#metrics svg.bars rect"), "no status bars")
        # Live: more traffic shows without a reload.
        for _ in range(10):
            connection = http.client.HTTPConnection("127.0.0.1", address.port, timeout=30)
            connection.request("GET", "/", headers={"Host": address.netloc})
            connection.getresponse().read()
            connection.close()
        self.wait(driver, lambda d: requests(d) >= 35, "the new requests on the open page")
        self.visited(driver, "metrics")

    def test_9_phone_width(self):
        phone = browser(phone=True)
        try:
            phone.get(BASE + "/login")
            self.sign_in(phone, EMAIL, PASSWORD)
            phone.get(self.service_url)
            self.wait(phone, lambda d: self.heading(d) == "web", "the service page at phone width")
            width = phone.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
            self.assertEqual(width[1], 390, "not a phone's width")
            self.assertLessEqual(width[0], width[1], "the page scrolls sideways at phone width")
            self.visited(phone, "service-phone")
        finally:
            phone.quit()


if __name__ == "__main__":
    if SCREENSHOTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
    runner = unittest.TextTestRunner(verbosity=2, failfast=True)
    result = runner.run(unittest.defaultTestLoader.loadTestsFromTestCase(Dashboard))
    sys.exit(0 if result.wasSuccessful() else 1)
