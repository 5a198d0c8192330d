// Regression tests for what fuzzing the file readers found (tests/fuzz, scripts/fuzz.sh): each
// input that crashed a reader (or made it misbehave) is fed again and must give an InputError
// with a clear message, or the right value. Inputs are the fuzzer's own or hand-reduced ones.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "phusong/error.hpp"
#include "phusong/planning.hpp"
#include "phusong/radio/antenna.hpp"

namespace pr = phusong::radio;

namespace {

// The message of the InputError parse_msi_pattern throws on `text`, or "" if it accepts it.
std::string msi_error(const std::string& text) {
  std::istringstream in(text);
  try {
    pr::parse_msi_pattern(in, "fuzz.msi");
  } catch (const phusong::InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

// Found by fuzz_antenna: a line holding only a vertical tab (or form feed) survived trim(), which
// stripped " \t\r\n" only, then split into no token, and toks[0] read past an empty vector (UBSan:
// reference binding to null pointer; a crash without sanitizers). Fixed in antenna.cpp: trim()
// strips all the white space split_ws() splits on, and a line with no token is skipped.
TEST(FuzzRegressionAntenna, LineOfVerticalTabIsSkipped) {
  // The fuzzer's input (100 bytes, a '\013' line among TILT lines and binary bytes).
  const std::string fuzzed(
      "B\033ara60\n\nTILT\nTILT Co\004\313\313\313\254\313\313\377\377\377\n\n\n\n\n\n\n\n\nTI\377\377E0\nLT "
      "\n\n\n\177TILT eem5\r\nF60\n\nTILT\nTILT \n\n\013\n\n\n\n\n\nTILT \n\n\n\177`\n",
      100);
  EXPECT_EQ(msi_error(fuzzed), "fuzz.msi: no GAIN line");
  // Hand-reduced.
  EXPECT_EQ(msi_error("NAME x\n\v\nGAIN 1\n"), "fuzz.msi: no HORIZONTAL section");
  EXPECT_EQ(msi_error("\f\n\v\r\n"), "fuzz.msi: no GAIN line");
  // Inside a section the line is skipped like an empty one.
  const std::string e = msi_error("GAIN 1\nHORIZONTAL 2\n0 0\n \v \n");
  EXPECT_NE(e.find("fuzz.msi:"), std::string::npos) << e;
  EXPECT_NE(e.find("2 data lines"), std::string::npos) << e;
}

// Found while fixing the above (by reading the code, not by the fuzzer): a keyword line starting with a form
// feed or vertical tab lost the first characters of its value ("\fNAME panel" was read as the name "E
// panel"), because the value was cut at the keyword's length from the untrimmed start of the line.
TEST(FuzzRegressionAntenna, KeywordAfterFormFeedKeepsItsValue) {
  std::istringstream in(
      "\fNAME panel A\n\vGAIN 3 dBi\nHORIZONTAL 2\n\f0 0\n180 20\nVERTICAL 2\n0 0\n180 20\v\n");
  const pr::AntennaPatternTable t = pr::parse_msi_pattern(in, "ff.msi");
  EXPECT_EQ(t.name, "panel A");
  EXPECT_DOUBLE_EQ(t.gain_dbi, 3.0);
  ASSERT_EQ(t.vertical.size(), 2u);
  EXPECT_DOUBLE_EQ(t.vertical[1].attenuation_db, 20.0);
}

// Found by review while writing fuzz_orlib (not by the fuzzer): a number followed by a NUL byte
// and more characters ("1\0x") was read as 1, because strtol stopped at the NUL that also ends
// c_str(). The whole token must now be the number, and the message shows the byte escaped.
TEST(FuzzRegressionOrlib, NulByteInsideANumberIsRefused) {
  const std::string text("1 1\n1\n1 1\0x\n", 12);
  try {
    phusong::planning::read_orlib_scp_text(text, "nul.txt");
    ADD_FAILURE() << "'1\\0x' was read as a number";
  } catch (const phusong::InputError& err) {
    const std::string e = err.what();
    EXPECT_NE(e.find("nul.txt:3: expected column 1 of 1 covering row 1 (an integer)"), std::string::npos)
        << e;
    EXPECT_NE(e.find("got '1\\x00x'"), std::string::npos) << e;
  }
}
