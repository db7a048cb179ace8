import { describe, expect, it } from '@jest/globals';
import { ErrorCode, type CourseReply, type CourseSummary } from '@classconnect/contracts';
import { CourseRepository, type RosterStudent } from './course.repository.js';
import { CoursesService } from './courses.service.js';

const courseId = '0b7c2a10-1111-4c5d-8e9f-000000000001';
const missingId = '0b7c2a10-1111-4c5d-8e9f-0000000000ff';

class FakeCourseRepository extends CourseRepository {
  async coursesOf(userId: string): Promise<CourseSummary[]> {
    return userId === 'ada' ? [{ id: courseId, code: 'CS101', title: 'Computing', relation: 'teacher' }] : [];
  }
  async findCourse(id: string): Promise<CourseReply | null> {
    return id === courseId ? { id, code: 'CS101', title: 'Computing', teacherIds: ['ada'] } : null;
  }
  async roster(id: string): Promise<RosterStudent[] | null> {
    return id === courseId ? [{ id: 's1', name: 'Amara Okafor', email: 'amara@uni.test' }] : null;
  }
}

describe('CoursesService', () => {
  const service = new CoursesService(new FakeCourseRepository());

  it("lists a user's courses with the relation", async () => {
    await expect(service.coursesOf('ada')).resolves.toEqual({
      courses: [{ id: courseId, code: 'CS101', title: 'Computing', relation: 'teacher' }],
    });
    await expect(service.coursesOf('someone-else')).resolves.toEqual({ courses: [] });
  });

  it('returns a course, or COURSE_NOT_FOUND', async () => {
    await expect(service.course(courseId)).resolves.toMatchObject({ code: 'CS101', teacherIds: ['ada'] });
    await expect(service.course(missingId)).rejects.toMatchObject({ code: ErrorCode.COURSE_NOT_FOUND });
  });

  it('returns the roster of a course, or COURSE_NOT_FOUND', async () => {
    await expect(service.roster(courseId)).resolves.toEqual({
      courseId,
      students: [{ id: 's1', name: 'Amara Okafor', email: 'amara@uni.test' }],
    });
    await expect(service.roster(missingId)).rejects.toMatchObject({ code: ErrorCode.COURSE_NOT_FOUND });
  });
});
