import { UserResponseDto } from './dto/user-response.dto';
import { User } from './user.entity';

export function toUserResponse(user: User, teamIds: string[]): UserResponseDto {
  return {
    id: user.id,
    email: user.email,
    full_name: user.fullName,
    role: user.role,
    manager_id: user.managerId,
    organization_id: user.organizationId,
    team_ids: teamIds,
    is_active: user.isActive,
    email_notifications: user.emailNotifications,
    has_password: user.passwordHash !== null,
    must_change_password: user.mustChangePassword,
    created_at: user.createdAt.toISOString(),
  };
}
