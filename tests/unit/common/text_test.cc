// common/text.h: passwords in PostgreSQL connection strings never survive into a message.
#include "common/text.h"

#include <gtest/gtest.h>

namespace arkivvakt {
namespace {

TEST(RedactConninfoPasswords, KeyValueQuotedAndUriForms) {
  EXPECT_EQ(RedactConninfoPasswords("host=db user=a password=s3cret dbname=x"),
            "host=db user=a password=*** dbname=x");
  EXPECT_EQ(RedactConninfoPasswords(R"(password = 'it\'s secret' host=db)"),
            "password = *** host=db");
  EXPECT_EQ(RedactConninfoPasswords("postgresql://arkiv:s3cret@db:5432/x?sslmode=require"),
            "postgresql://arkiv:***@db:5432/x?sslmode=require");
  EXPECT_EQ(RedactConninfoPasswords("postgresql://db/x?user=a&password=s3cret&sslmode=verify"),
            "postgresql://db/x?user=a&password=***&sslmode=verify");
  // (libpq escapes a quote inside a quoted value with a backslash.) Two connection strings in one
  // message, and text without any.
  const std::string two =
      RedactConninfoPasswords("failed postgres://u:one@h1/x then postgres://u:two@h2/y");
  EXPECT_EQ(two.find("one"), std::string::npos);
  EXPECT_EQ(two.find("two"), std::string::npos);
  EXPECT_EQ(RedactConninfoPasswords("connection refused"), "connection refused");
}

}  // namespace
}  // namespace arkivvakt
