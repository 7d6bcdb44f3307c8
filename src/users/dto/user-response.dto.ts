import { ApiProperty } from '@nestjs/swagger';
import { Role, ROLES } from '../../common/auth/roles';

export class UserResponseDto {
  @ApiProperty({ format: 'uuid', example: '0b8e6f3c-1f0a-4f6e-9a51-3c2d1e0f9a8b' }) id: string;
  @ApiProperty({ format: 'email', example: 'jane.doe@acme.test' }) email: string;
  @ApiProperty({ example: 'Jane Doe' }) full_name: string;
  @ApiProperty({ enum: ROLES, example: 'employee' }) role: Role;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: '5a7d9c1e-2b3f-4a6c-8d0e-1f2a3b4c5d6e' })
  manager_id: string | null;
  @ApiProperty({ format: 'uuid', example: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f' }) organization_id: string;
  @ApiProperty({ type: [String], format: 'uuid', example: ['3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f'] })
  team_ids: string[];
  @ApiProperty({ example: true }) is_active: boolean;
  @ApiProperty({ example: true, description: 'Whether the user receives e-mail notifications' })
  email_notifications: boolean;
  @ApiProperty({ example: false, description: 'Whether a password is set (a user without one cannot log in)' })
  has_password: boolean;
  @ApiProperty({
    example: false,
    description: 'An admin requires the user to change their password before anything else',
  })
  must_change_password: boolean;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T12:00:00.000Z' }) created_at: string;
}
