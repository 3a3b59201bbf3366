#include "asl/resources.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wfm::asl {
namespace {

TEST(ClassifyResourceTest, JobDefinitionNamesWithAnOptionalRevision) {
  for (const std::string& name :
       std::vector<std::string>{"true", "a", "hello-world_2", "hello:1", "x:0123",
                                std::string(128, 'n'), std::string(128, 'n') + ":7"}) {
    TaskResource resource = ClassifyResource(name);
    EXPECT_EQ(resource.kind, ResourceKind::kJobDefinition) << name;
    EXPECT_EQ(resource.name, name);
    EXPECT_EQ(resource.history_type, "local");
  }
}

TEST(ClassifyResourceTest, WhatIsNoJobDefinitionNameIsUnsupported) {
  for (const std::string& name : std::vector<std::string>{
           "", ":1", "hello:", "hello:1:2", "hello:x", "hello:-1", "hel lo", "hello.v2", "héllo",
           "hello/1", std::string(129, 'n'), std::string("a\0b", 3), "arn:aws:ecs:::task"}) {
    EXPECT_EQ(ClassifyResource(name).kind, ResourceKind::kUnsupported) << name;
  }
}

TEST(ClassifyResourceTest, FunctionsActivitiesAndIntegrations) {
  EXPECT_EQ(ClassifyResource("arn:aws:lambda:us-east-1:123456789012:function:f:live").kind,
            ResourceKind::kFunction);
  EXPECT_EQ(ClassifyResource("arn:aws:states:us-east-1:123456789012:activity:a").kind,
            ResourceKind::kActivity);
  EXPECT_EQ(ClassifyResource("arn:aws:states:::batch:submitJob.sync").kind,
            ResourceKind::kBatchSubmitSync);
  EXPECT_EQ(ClassifyResource("arn:aws:states:::lambda:invoke").kind, ResourceKind::kLambdaInvoke);
}

}  // namespace
}  // namespace wfm::asl
