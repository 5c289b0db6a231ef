// One doctest main for the app's unit tests (keybot_app_unit_tests: the parts that need no window).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
